import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { redisKeys } from '@weather/contracts/redis-keys';
import { insertReadings } from '@weather/db';
import { createTestDatabase } from '@weather/db/testing';
import { storedReading } from '@weather/test-kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiContext, type AppRouter, appRouter, handleRest, QueryCache } from '../src';

// The query API over a real PostgreSQL database and a real Redis, called the ways clients call
// it: REST through the OpenAPI handler the web app mounts, and a typed tRPC client over HTTP.
const baseUrl =
  process.env.DATABASE_URL ?? 'postgres://weather:weather@127.0.0.1:5432/weather_test';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// A station id of our own, so cache versions of other test runs never collide.
const station = `API-${randomBytes(3).toString('hex')}`;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: Redis;
let deadRedis: Redis;
let context: (headers?: ApiContext['resHeaders']) => ApiContext;

/** One reading of the station, `minute` minutes into 2026-01-10. */
const reading = (minute: number, temperature: number) =>
  storedReading(station, new Date(Date.UTC(2026, 0, 10, 0, minute)), { temperature, humidity: 50 });

beforeAll(async () => {
  database = await createTestDatabase(baseUrl, 'api');
  redis = new Redis(redisUrl);
  // Redis "down": a client to a port nothing listens on, failing fast like the web app's.
  deadRedis = new Redis('redis://127.0.0.1:1', {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
  });
  deadRedis.on('error', () => {});
  const cache = new QueryCache(redis, { namespace: database.name });
  context = (resHeaders) => ({ db: database.db, cache, resHeaders });
  await insertReadings(
    database.db,
    [0, 10, 20, 30, 40, 50, 60, 70].map((m) => reading(m, m / 10)),
  );
  // Two more stations, so the stations list has pages to follow.
  await insertReadings(
    database.db,
    ['A', 'B'].map((suffix) =>
      storedReading(`${station}-${suffix}`, new Date(Date.UTC(2026, 0, 9)), { temperature: 1 }),
    ),
  );
});

afterAll(async () => {
  await database.drop();
  redis.disconnect();
  deadRedis.disconnect();
});

async function rest(path: string, ctx = context, responseCache?: QueryCache) {
  const res = await handleRest(
    new Request(`http://localhost/api${path}`),
    ctx,
    '/api',
    responseCache,
  );
  return {
    status: res.status,
    cache: res.headers.get('x-cache'),
    body: (await res.json()) as Record<string, unknown> & { message: string },
  };
}

const range = 'start_time=2026-01-10T00:00:00Z&end_time=2026-01-10T02:00:00Z';

describe('REST', () => {
  it('answers the seed endpoints', async () => {
    const readings = await rest(`/weather/${station}?${range}&limit=3`);
    expect(readings.status).toBe(200);
    expect((readings.body.readings as unknown[]).length).toBe(3);
    expect(readings.body.next_cursor).toEqual(expect.any(String));

    const aggregate = await rest(`/weather/aggregate/${station}?${range}`);
    expect(aggregate.body).toMatchObject({
      station_id: station,
      count: 8,
      measurements: { temperature: { min: 0, max: 7, avg: 3.5, count: 8 } },
    });

    const series = await rest(`/weather/timeseries/${station}?${range}&interval=1h`);
    expect(series.body).toMatchObject({ interval: '1h', source: 'raw' });
    expect((series.body.buckets as { count: number }[]).map((b) => b.count)).toEqual([6, 2]);

    const stations = await rest('/stations');
    expect(stations.status).toBe(200);
    expect(stations.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          station_id: station,
          latest: expect.objectContaining({ timestamp: '2026-01-10T01:10:00.000Z' }),
        }),
      ]),
    );
  });

  it('pages /stations with limit and cursor, and filters it with q', async () => {
    const all = (await rest('/stations')).body as unknown as { station_id: string }[];
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await rest(`/stations?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      const body = page.body as unknown as {
        stations: { station_id: string }[];
        next_cursor: string | null;
      };
      expect(body.stations.length).toBeLessThanOrEqual(1);
      ids.push(...body.stations.map((s) => s.station_id));
      cursor = body.next_cursor;
    } while (cursor);
    expect(ids).toHaveLength(3);
    expect(ids).toEqual(all.map((s) => s.station_id));

    const found = await rest(`/stations?q=${station.slice(2).toLowerCase()}-b`);
    expect(found.body).toEqual([expect.objectContaining({ station_id: `${station}-B` })]);
    expect((await rest('/stations?q=no-such-station&limit=5')).body).toEqual({
      stations: [],
      next_cursor: null,
    });
  });

  it.each([
    ['an unknown station', '/weather/aggregate/NOPE-404', 404, /Unknown station "NOPE-404"/],
    [
      'end before start',
      `/weather/aggregate/${station}?start_time=2026-01-10T02:00:00Z&end_time=2026-01-10T01:00:00Z`,
      400,
      /end_time .* must be after start_time/,
    ],
    ['an unknown interval', `/weather/timeseries/${station}?${range}&interval=2h`, 400, /interval/],
    ['a limit out of range', `/weather/${station}?limit=5001`, 400, /limit/],
    ['a malformed cursor', `/weather/${station}?cursor=%%%garbage`, 400, /cursor/i],
    [
      'a range too large for its interval',
      `/weather/timeseries/${station}?start_time=2020-01-01T00:00:00Z&end_time=2026-01-01T00:00:00Z&interval=1m`,
      400,
      /range too large for interval 1m/,
    ],
    ['a bad timestamp', `/weather/${station}?start_time=yesterday`, 400, /start_time/],
    ['an invalid station id', `/weather/aggregate/bad;id`, 400, /station_id/],
    ['a stations limit out of range', '/stations?limit=1001', 400, /limit/],
    ['a stations limit that is not a number', '/stations?limit=ten', 400, /limit/],
    ['a malformed stations cursor', '/stations?cursor=%21%21', 400, /cursor/i],
    ['a stations cursor too long', `/stations?cursor=${'x'.repeat(201)}`, 400, /cursor/],
    ['a stations search too long', `/stations?q=${'x'.repeat(101)}`, 400, /q: /],
  ])('refuses %s, with its status and the reason', async (_name, path, status, message) => {
    const res = await rest(path);
    expect(res.status).toBe(status);
    // Schema failures say "Input validation failed" and list each field and reason in `issues`.
    const issues = (res.body.issues as { path: string[]; message: string }[] | undefined) ?? [];
    expect(
      [res.body.message, ...issues.map((i) => `${i.path.join('.')}: ${i.message}`)].join('\n'),
    ).toMatch(message);
    expect(JSON.stringify(res.body)).not.toMatch(/stack|at .*\.ts:/);
  });
});

describe('cache', () => {
  it('misses, then hits, then misses again once the consumer bumps the station version', async () => {
    const path = `/weather/aggregate/${station}?start_time=2026-01-09T00:00:00Z&end_time=2026-01-11T00:00:00Z`;
    const first = await rest(path);
    const second = await rest(path);
    expect([first.cache, second.cache]).toEqual(['miss', 'hit']);
    expect(second.body).toEqual(first.body);

    // What the consumer does after committing a new reading of the station.
    await insertReadings(database.db, [reading(35, 6.5)]);
    await redis.incr(redisKeys.stationVersion(station));
    const fresh = await rest(path);
    expect(fresh.cache).toBe('miss');
    expect(fresh.body).toMatchObject({ count: 9 });
  });

  it('caches whole REST answers of charts under the station version, and never an error', async () => {
    const responses = new QueryCache(redis, { namespace: `${database.name}-rest` });
    const path = `/weather/timeseries/${station}?interval=1h&start_time=2026-01-09T00:00:00Z&end_time=2026-01-11T00:00:00Z`;
    const first = await rest(path, context, responses);
    // The same query with its parameters in another order is the same entry.
    const reordered = `/weather/timeseries/${station}?end_time=2026-01-11T00:00:00Z&interval=1h&start_time=2026-01-09T00:00:00Z`;
    const second = await rest(reordered, context, responses);
    expect([first.cache, second.cache]).toEqual(['miss', 'hit']);
    expect(second.body).toEqual(first.body);

    await insertReadings(database.db, [reading(150, 7.5)]);
    await redis.incr(redisKeys.stationVersion(station));
    const fresh = await rest(path, context, responses);
    expect(fresh.cache).toBe('miss');
    const count = (body: Record<string, unknown>) =>
      (body.buckets as { count: number }[]).reduce((n, b) => n + b.count, 0);
    expect(count(fresh.body)).toBe(count(first.body) + 1);

    const unknown = '/weather/aggregate/NOPE-REST';
    const errors = [
      await rest(unknown, context, responses),
      await rest(unknown, context, responses),
    ];
    expect(errors.map((e) => [e.status, e.cache])).toEqual([
      [404, 'miss'],
      [404, 'miss'],
    ]);
  });

  it('answers correctly, uncached, while Redis is down', async () => {
    const down = (resHeaders?: ApiContext['resHeaders']) => ({
      ...context(resHeaders),
      cache: new QueryCache(deadRedis),
    });
    const res = await rest(`/weather/timeseries/${station}?${range}&interval=15m`, down);
    expect(res.status).toBe(200);
    expect(res.cache).toBe('miss');
    expect((res.body.buckets as { count: number }[]).reduce((n, b) => n + b.count, 0)).toBe(9);
  });
});

describe('typed tRPC client over HTTP', () => {
  let server: Server;
  beforeAll(async () => {
    server = createServer(createHTTPHandler({ router: appRouter, createContext: () => context() }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('calls procedures with inferred input and output types', async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })],
    });
    const page = await client.weather.readings.query({ station_id: station, limit: 2 });
    // Typed: `timestamp` is a string and `temperature` a number or null, checked by tsc.
    const first: { timestamp: string; temperature: number | null } | undefined = page.readings[0];
    expect(first?.timestamp).toBe('2026-01-10T00:00:00.000Z');
    const next = await client.weather.readings.query({
      station_id: station,
      limit: 2,
      cursor: page.next_cursor ?? undefined,
    });
    expect(next.readings[0]?.timestamp).toBe('2026-01-10T00:20:00.000Z');
    const latest = await client.stations.latest.query({ station_ids: [station, 'NOPE'] });
    expect(latest.map((r) => r.station_id)).toEqual([station]);
  });
});
