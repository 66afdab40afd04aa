import { issueToken } from '@weather/core/tokens';
import { addCredential, registerStation } from '@weather/db';
import { createTestDatabase } from '@weather/db/testing';
import { RegistryWatcher } from '@weather/registry';
import { openApiContract } from '@weather/server/testing';
import { baseDatabaseUrl } from '@weather/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimits } from '../src/rate-limits';
import { kafkaApp, silentLogger } from './kafka-app';

// Every documented operation and status of the collector, answered for real (Kafka up, and a
// producer without a broker for the 503s), checked against /openapi.json.
let up: Awaited<ReturnType<typeof kafkaApp>>;
let down: Awaited<ReturnType<typeof kafkaApp>>;
/** With tokens required (a station token for ST-doc) and a limit of one request a second. */
let secured: Awaited<ReturnType<typeof kafkaApp>>;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let watcher: RegistryWatcher;
let token: string;

beforeAll(async () => {
  up = await kafkaApp('contract');
  down = await kafkaApp('contract-down', { brokerDown: true });
  database = await createTestDatabase(baseDatabaseUrl, 'collector-contract');
  await registerStation(database.db, 'ST-doc');
  const issued = issueToken('station');
  await addCredential(database.db, { kind: 'station', ownerId: 'ST-doc', ...issued });
  token = issued.token;
  watcher = new RegistryWatcher({ db: database.db, subscriber: null, logger: silentLogger() });
  await watcher.start();
  const limits = new RateLimits(null, {
    requestsPerSecond: 1,
    readingsPerSecond: 1000,
    burstSeconds: 0,
  });
  secured = await kafkaApp('contract-auth', {
    auth: { mode: 'required', watcher, limits, usage: null, db: database.db },
  });
});

afterAll(async () => {
  await Promise.all([up.close(), down.close(), secured.close(), watcher.stop()]);
  await database.drop();
});

const reading = () => ({
  station_id: 'ST-doc',
  timestamp: new Date(Date.now() - 60_000).toISOString(),
  temperature: 3.5,
});

describe('the OpenAPI document', () => {
  it('declares exactly the answers of every documented operation, success and error', async () => {
    const contract = openApiContract((await up.app.inject('/openapi.json')).json());
    const cases: [typeof up, 'GET' | 'POST', string, string | undefined, string, number][] = [
      [up, 'GET', '/health', undefined, 'application/json', 200],
      [up, 'GET', '/health?q=%ZZ', undefined, 'application/json', 400],
      [up, 'GET', '/ready', undefined, 'application/json', 200],
      [down, 'GET', '/ready', undefined, 'application/json', 503],
      [up, 'GET', '/ready?%', undefined, 'application/json', 400],
      [up, 'GET', '/metrics', undefined, 'application/json', 200],
      [up, 'GET', '/metrics?%C0%AF', undefined, 'application/json', 400],
      [up, 'POST', '/weather-data', JSON.stringify(reading()), 'application/json', 202],
      [up, 'POST', '/weather-data', '{"station_id":', 'application/json', 400],
      [
        up,
        'POST',
        '/weather-data',
        JSON.stringify({ pad: 'x'.repeat(2 << 20) }),
        'application/json',
        413,
      ],
      [up, 'POST', '/weather-data', 'station_id=A', 'application/x-www-form-urlencoded', 415],
      [
        up,
        'POST',
        '/weather-data',
        JSON.stringify({ ...reading(), humidity: 140 }),
        'application/json',
        422,
      ],
      [down, 'POST', '/weather-data', JSON.stringify(reading()), 'application/json', 503],
      [
        up,
        'POST',
        '/weather-data/batch',
        JSON.stringify({ records: [reading(), 'junk'] }),
        'application/json',
        202,
      ],
      [up, 'POST', '/weather-data/batch', '[', 'application/json', 400],
      [up, 'POST', '/weather-data/batch', 'x'.repeat(2 << 20), 'application/json', 413],
      [up, 'POST', '/weather-data/batch', '{}', 'text/csv', 415],
      // 422 both ways: no valid record (the per-record report), and a malformed envelope.
      [
        up,
        'POST',
        '/weather-data/batch',
        JSON.stringify({ records: [{ station_id: 'x' }] }),
        'application/json',
        422,
      ],
      [up, 'POST', '/weather-data/batch', JSON.stringify({ records: [] }), 'application/json', 422],
      [
        down,
        'POST',
        '/weather-data/batch',
        JSON.stringify({ records: [reading()] }),
        'application/json',
        503,
      ],
    ];
    const other = { ...reading(), station_id: 'ST-other' };
    const authCases: typeof cases = [
      [secured, 'POST', '/weather-data', JSON.stringify(reading()), 'application/json', 401],
      [
        secured,
        'POST',
        '/weather-data/batch',
        JSON.stringify({ records: [reading()] }),
        'application/json',
        401,
      ],
      // With the token (the last three run out the budget of one request a second, plus one).
      [secured, 'POST', '/weather-data', JSON.stringify(other), 'application/json', 403],
      [
        secured,
        'POST',
        '/weather-data/batch',
        JSON.stringify({ records: [other] }),
        'application/json',
        403,
      ],
      [secured, 'POST', '/weather-data', JSON.stringify(reading()), 'application/json', 429],
      [
        secured,
        'POST',
        '/weather-data/batch',
        JSON.stringify({ records: [reading()] }),
        'application/json',
        429,
      ],
    ];
    for (const [target, method, url, payload, contentType, status] of [...cases, ...authCases]) {
      const withToken = target === secured && status !== 401;
      const res = await target.app.inject({
        method,
        url,
        ...(payload === undefined
          ? {}
          : {
              payload,
              headers: {
                'content-type': contentType,
                ...(withToken ? { authorization: `Bearer ${token}` } : {}),
              },
            }),
      });
      expect(`${method} ${url.slice(0, 40)} → ${res.statusCode}`).toBe(
        `${method} ${url.slice(0, 40)} → ${status}`,
      );
      expect(contract.check(method, url, res)).toEqual([]);
    }
    expect(contract.unexercised()).toEqual([]);
  });
});
