import { Writable } from 'node:stream';
import { createLogger } from '@weather/core/logger';
import { openApiContract } from '@weather/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { ConsumerStats } from '../src/stats';

// Every documented operation and status of the consumer's HTTP side, answered for real and
// checked against its /openapi.json. Its dependency checks are switched by the test.
let databaseDown = false;
let app: Awaited<ReturnType<typeof createApp>>;

beforeAll(async () => {
  const stats = new ConsumerStats();
  stats.recordInserted(5);
  app = await createApp({
    logger: createLogger({
      service: 'consumer',
      destination: new Writable({ write: (_c, _e, cb) => cb() }),
    }),
    stats,
    stallAfterMs: 60_000,
    checks: [
      {
        name: 'database',
        check: async () => {
          if (databaseDown) throw new Error('connection refused (ECONNREFUSED)');
        },
      },
    ],
  });
});

afterAll(() => app.close());

describe('the OpenAPI document', () => {
  it('declares exactly the answers of every documented operation, success and error', async () => {
    const contract = openApiContract((await app.inject('/openapi.json')).json());
    const cases: [string, number, boolean?][] = [
      ['/health', 200],
      ['/health?%ZZ', 400],
      ['/ready', 200],
      ['/ready', 503, true],
      ['/ready?x=%', 400],
      ['/metrics', 200],
      ['/metrics?%C0%AF', 400],
      ['/stats', 200],
      ['/stats?x=%E0%A4%A', 400],
    ];
    for (const [url, status, down = false] of cases) {
      databaseDown = down;
      const res = await app.inject({ method: 'GET', url });
      expect(`GET ${url} → ${res.statusCode}`).toBe(`GET ${url} → ${status}`);
      expect(contract.check('GET', url, res)).toEqual([]);
    }
    expect(contract.unexercised()).toEqual([]);
  });
});
