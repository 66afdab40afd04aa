import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { QueryCache } from '@weather/api';
import { accessServices } from '@weather/auth';
import { createDb, insertReadings, pingDatabase } from '@weather/db';
import { createTestDatabase } from '@weather/db/testing';
import { openApiContract } from '@weather/server/testing';
import { storedReading } from '@weather/test-kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';

// The query service over a real PostgreSQL database and a real Redis: the seed's paths, our
// documented answers, every documented status exercised and checked against its /openapi.json.
const baseUrl =
  process.env.DATABASE_URL ?? 'postgres://weather:weather@127.0.0.1:5432/weather_test';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// A station of our own, so cache versions of other test runs never collide.
const station = `Q-${randomBytes(3).toString('hex')}`;
const silent = { level: 'silent' } as const;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: Redis;
let up: Awaited<ReturnType<typeof createApp>>;
let down: Awaited<ReturnType<typeof createApp>>;
let unreachable: ReturnType<typeof createDb>;

/** One reading of the station, `minute` minutes into 2026-01-10. */
const reading = (minute: number, temperature: number) =>
  storedReading(station, new Date(Date.UTC(2026, 0, 10, 0, minute)), { temperature, humidity: 50 });

beforeAll(async () => {
  const { createLogger } = await import('@weather/core/logger');
  const logger = createLogger({ service: 'query-test', ...silent });
  database = await createTestDatabase(baseUrl, 'query');
  redis = new Redis(redisUrl);
  const cache = new QueryCache(redis, { namespace: database.name });
  await insertReadings(
    database.db,
    [0, 10, 20, 30, 40, 50].map((m) => reading(m, m / 10)),
  );
  const check = (db: typeof database.db) => [{ name: 'database', check: () => pingDatabase(db) }];
  const accessOf = (db: typeof database.db) =>
    accessServices({
      db,
      env: {
        PUBLIC_READ: true,
        AUTH_SECRET: randomBytes(32).toString('hex'),
        PUBLIC_URL: 'http://localhost:3000',
        TRUSTED_ORIGINS: [],
      },
    }).access;
  up = await createApp({
    logger,
    db: database.db,
    cache,
    checks: check(database.db),
    access: accessOf(database.db),
  });
  // The database "down": a pool to a port nothing listens on.
  unreachable = createDb({ url: 'postgres://weather:weather@127.0.0.1:1/none', max: 1 });
  // Its own cache namespace: nothing the other app cached may answer for it.
  const downCache = new QueryCache(redis, { namespace: `${database.name}_down` });
  down = await createApp({
    logger,
    db: unreachable.db,
    cache: downCache,
    checks: check(unreachable.db),
    access: accessOf(unreachable.db),
  });
});

afterAll(async () => {
  await Promise.all([up?.close(), down?.close()]);
  await unreachable?.close();
  await database?.drop();
  redis?.disconnect();
});

const range = 'start_time=2026-01-10T00:00:00Z&end_time=2026-01-11T00:00:00Z';

describe("the seed's query API on the query service", () => {
  it('answers readings in pages, aggregates, time series and the station list', async () => {
    const page = (await up.inject(`/weather/${station}?${range}&limit=4`)).json();
    expect(page.readings.map((r: { temperature: number }) => r.temperature)).toEqual([0, 1, 2, 3]);
    expect(page.next_cursor).toEqual(expect.any(String));
    const rest = (await up.inject(`/weather/${station}?cursor=${page.next_cursor}`)).json();
    expect(rest.readings).toHaveLength(2);

    const aggregate = (await up.inject(`/weather/aggregate/${station}?${range}`)).json();
    expect(aggregate.count).toBe(6);
    const series = (await up.inject(`/weather/timeseries/${station}?${range}&interval=1h`)).json();
    expect(series.buckets).toHaveLength(1);
    const stations = (await up.inject('/stations')).json();
    expect(stations.map((s: { station_id: string }) => s.station_id)).toContain(station);
  });

  it('caches a chart answer whole: the same request again is a hit', async () => {
    const url = `/weather/aggregate/${station}?${range}&x=1`;
    const first = await up.inject(url);
    const second = await up.inject(url);
    expect([first.headers['x-cache'], second.headers['x-cache']]).toEqual(['miss', 'hit']);
    expect(second.body).toBe(first.body);
  });

  it('answers a client that accepts gzip compressed, on a miss and on the hits after it', async () => {
    // A day of minute buckets: well over the kilobyte below which nothing is compressed.
    const url = `/weather/timeseries/${station}?${range}&interval=1m&gz=1`;
    const gzipped = { 'accept-encoding': 'gzip, deflate, br' };
    const miss = await up.inject({ url, headers: gzipped });
    const hit = await up.inject({ url, headers: gzipped });
    const plain = await up.inject(url);
    const refused = await up.inject({ url, headers: { 'accept-encoding': 'gzip;q=0' } });
    expect([miss, hit, plain, refused].map((r) => r.headers['x-cache'])).toEqual([
      'miss',
      'hit',
      'hit',
      'hit',
    ]);
    expect(miss.headers['content-encoding']).toBe('gzip');
    expect(hit.headers['content-encoding']).toBe('gzip');
    expect(hit.headers.vary).toBe('accept-encoding');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(1024);
    expect(hit.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
    expect(gunzipSync(miss.rawPayload).toString()).toBe(plain.body);
    expect(gunzipSync(hit.rawPayload).toString()).toBe(plain.body);
    expect(plain.json().buckets.length).toBeGreaterThan(0);
  });

  it('keeps the compressed copy once asked for: a hit first asked plainly, then gzipped', async () => {
    const url = `/weather/timeseries/${station}?${range}&interval=1m&gz=2`;
    const plain = await up.inject(url);
    const gzipped = await up.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    const again = await up.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    expect([plain, gzipped, again].map((r) => r.headers['x-cache'])).toEqual([
      'miss',
      'hit',
      'hit',
    ]);
    expect(gunzipSync(gzipped.rawPayload).toString()).toBe(plain.body);
    expect(again.rawPayload.equals(gzipped.rawPayload)).toBe(true);
  });

  it('sends small answers and errors uncompressed even to a gzip client', async () => {
    const headers = { 'accept-encoding': 'gzip' };
    const small = await up.inject({ url: `/weather/${station}?${range}&limit=1&gz=3`, headers });
    expect(small.statusCode).toBe(200);
    expect(small.headers['content-encoding']).toBeUndefined();
    const unknown = await up.inject({ url: '/weather/timeseries/NO-SUCH-STATION', headers });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-encoding']).toBeUndefined();
    expect(unknown.json()).toMatchObject({ error: 'not_found' });
  });

  it('refuses bad input with the API error contract, naming the field', async () => {
    const res = await up.inject(`/weather/timeseries/${station}?interval=7m`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'validation_failed' });
    expect(JSON.stringify(res.json().issues)).toContain('interval');
  });

  it('declares exactly the answers of every documented operation, success and error', async () => {
    const contract = openApiContract((await up.inject('/openapi.json')).json());
    const long = `/weather/${station}?pad=${'x'.repeat(9000)}`;
    // A key we never issued: presented credentials are checked even while anyone may read.
    const badKey = { authorization: `Bearer wxk_${'A'.repeat(32)}` };
    const cases: [typeof up, string, number, Record<string, string>?][] = [
      [up, '/health', 200],
      [up, '/health?q=%ZZ', 400],
      [up, '/ready', 200],
      [down, '/ready', 503],
      [up, '/ready?%', 400],
      [up, '/metrics', 200],
      [up, '/metrics?%C0%AF', 400],
      [up, '/stations', 200],
      [up, '/stations?q=%ZZ', 400],
      [up, '/stations', 401, badKey],
      [down, '/stations', 503],
      [up, long.replace(`/weather/${station}`, '/stations'), 414],
      [up, `/weather/${station}?${range}`, 200],
      [up, `/weather/${station}?limit=0`, 400],
      [up, '/weather/NOPE', 404],
      [up, `/weather/${station}`, 401, badKey],
      [up, long, 414],
      [down, `/weather/${station}`, 503],
      [up, `/weather/aggregate/${station}?${range}`, 200],
      [up, `/weather/aggregate/${station}?start_time=yesterday`, 400],
      [up, '/weather/aggregate/NOPE', 404],
      [up, `/weather/aggregate/${station}`, 401, badKey],
      [up, long.replace('/weather/', '/weather/aggregate/'), 414],
      [down, `/weather/aggregate/${station}?${range}`, 503],
      [up, `/weather/timeseries/${station}?${range}`, 200],
      [up, `/weather/timeseries/${station}?interval=7m`, 400],
      [up, '/weather/timeseries/NOPE', 404],
      [up, `/weather/timeseries/${station}`, 401, badKey],
      [up, long.replace('/weather/', '/weather/timeseries/'), 414],
      [down, `/weather/timeseries/${station}?${range}`, 503],
      [up, `/weather/last-upload/${station}`, 200],
      [up, '/weather/last-upload/bad;id', 400],
      [up, '/weather/last-upload/NOPE', 404],
      [up, `/weather/last-upload/${station}`, 401, badKey],
      [up, long.replace('/weather/', '/weather/last-upload/'), 414],
      [down, `/weather/last-upload/${station}`, 503],
      [up, `/weather/flags/${station}?${range}`, 200],
      [up, `/weather/flags/${station}?limit=0`, 400],
      [up, '/weather/flags/NOPE', 404],
      [up, `/weather/flags/${station}`, 401, badKey],
      [up, long.replace('/weather/', '/weather/flags/'), 414],
      [down, `/weather/flags/${station}`, 503],
      [up, `/weather/aggregate/${station}?include_flagged=maybe`, 400],
      [up, `/weather/summaries/${station}?period=month`, 200],
      [up, `/weather/summaries/${station}?from=2026-02-30`, 400],
      [up, `/weather/summaries/${station}?from=2026-03-01&to=2026-02-01`, 400],
      [up, `/weather/summaries/${station}?from=2020-01-01&to=2026-01-01`, 400],
      [up, `/weather/summaries/${station}?period=week`, 400],
      [up, '/weather/summaries/NOPE', 404],
      [up, `/weather/summaries/${station}`, 401, badKey],
      [up, long.replace('/weather/', '/weather/summaries/'), 414],
      [down, `/weather/summaries/${station}`, 503],
      [up, '/fleet/health', 200],
      [up, '/fleet/health?q=%ZZ', 400],
      [up, '/fleet/health', 401, badKey],
      [up, long.replace(`/weather/${station}`, '/fleet/health'), 414],
      [down, '/fleet/health', 503],
      [up, `/stations/${station}/health`, 200],
      [up, `/stations/${station}/health?days=0`, 400],
      [up, '/stations/NOPE/health', 404],
      [up, `/stations/${station}/health`, 401, badKey],
      [up, long.replace(`/weather/${station}`, `/stations/${station}/health`), 414],
      [down, `/stations/${station}/health`, 503],
    ];
    for (const [target, url, status, headers] of cases) {
      const res = await target.inject({ url, headers });
      expect(`GET ${url.slice(0, 50)} → ${res.statusCode}`).toBe(
        `GET ${url.slice(0, 50)} → ${status}`,
      );
      expect(contract.check('GET', url, res)).toEqual([]);
    }
    expect(contract.unexercised()).toEqual([]);
  });
});
