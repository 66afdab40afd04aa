import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import { readingSchema } from '@weather/core/reading';
import { createDb, insertReadings, type StoredReading } from '@weather/db';
import { createTestDatabase } from '@weather/db/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiContext,
  createCaller,
  handleRest,
  handleTrpc,
  MAX_BATCH_SIZE,
  QueryCache,
} from '../src';

// The API's error contract over a real PostgreSQL and Redis, called as the web app mounts it
// (REST and tRPC fetch handlers): every error is `{ error, message }` with the right status,
// and no answer carries a statement, its parameters or a stack trace.
const baseUrl =
  process.env.DATABASE_URL ?? 'postgres://weather:weather@127.0.0.1:5432/weather_test';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const station = `ERR-${randomBytes(3).toString('hex')}`;
const LEAKS = /select |insert |Failed query|params:|\$1|stack|at .*\.ts:\d+/i;

type Database = Awaited<ReturnType<typeof createTestDatabase>>;
let database: Database;
let outage: Database;
let redis: Redis;
let cache: QueryCache;

const contextOn =
  (db: ApiContext['db']) =>
  (resHeaders?: ApiContext['resHeaders']): ApiContext => ({ db, cache, resHeaders });

async function rest(path: string, context = contextOn(database.db)) {
  const res = await handleRest(new Request(`http://localhost/api${path}`), context, '/api');
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
}

async function trpc(path: string, context = contextOn(database.db)) {
  const res = await handleTrpc(new Request(`http://localhost/api/trpc/${path}`), context);
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as unknown };
}

async function admin<T>(run: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The database refuses new sessions and loses the ones it had, as during an outage. */
async function refuseConnections(name: string, refuse: boolean) {
  await admin(async (client) => {
    await client.query(`alter database "${name}" allow_connections ${!refuse}`);
    if (refuse) {
      await client.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
    }
  });
}

async function freePort() {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  [database, outage] = await Promise.all([
    createTestDatabase(baseUrl, 'api_errors'),
    createTestDatabase(baseUrl, 'api_outage'),
  ]);
  redis = new Redis(redisUrl);
  cache = new QueryCache(redis, { namespace: database.name });
  const parse = readingSchema(() => Date.parse('2030-01-01T00:00:00Z'));
  const readings: StoredReading[] = [0, 10, 20].map((minute) => ({
    ...parse.parse({
      station_id: station,
      timestamp: new Date(Date.UTC(2026, 0, 10, 0, minute)).toISOString(),
      temperature: minute / 10,
    }),
    received_at: '2026-01-10T12:00:00.000Z',
  }));
  await Promise.all([insertReadings(database.db, readings), insertReadings(outage.db, readings)]);
});

afterAll(async () => {
  await refuseConnections(outage.name, false).catch(() => {});
  await Promise.all([database.drop(), outage.drop()]);
  redis.disconnect();
});

describe('PostgreSQL unavailable', () => {
  it('answers 503 database_unavailable without SQL while it refuses connections, and 200 once it accepts them again', async () => {
    // Its own cache namespace, so no answer cached before the outage hides it.
    const context = (resHeaders?: ApiContext['resHeaders']): ApiContext => ({
      db: outage.db,
      cache: new QueryCache(redis, {
        namespace: `${outage.name}-${randomBytes(2).toString('hex')}`,
      }),
      resHeaders,
    });
    expect((await rest(`/weather/${station}`, context)).status).toBe(200);
    await refuseConnections(outage.name, true);
    try {
      for (const path of [
        `/weather/${station}`,
        `/weather/aggregate/${station}`,
        `/weather/timeseries/${station}?interval=1h`,
        '/stations',
      ]) {
        const res = await rest(path, context);
        expect([path, res.status]).toEqual([path, 503]);
        expect(res.body).toEqual({
          error: 'database_unavailable',
          message: expect.stringMatching(/database is unavailable/),
        });
      }
      const res = await trpc(
        `weather.readings?input=${encodeURIComponent(JSON.stringify({ station_id: station }))}`,
        context,
      );
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        error: {
          code: expect.any(Number),
          message: expect.stringMatching(/database is unavailable/),
          data: {
            code: 'SERVICE_UNAVAILABLE',
            httpStatus: 503,
            path: 'weather.readings',
            error: 'database_unavailable',
          },
        },
      });
      expect(res.text).not.toMatch(LEAKS);
    } finally {
      await refuseConnections(outage.name, false);
    }
    const after = await rest(
      `/weather/aggregate/${station}?start_time=2026-01-10T00:00:00Z`,
      context,
    );
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ count: 3 });
  });

  it('answers 503 while nothing listens on its port', async () => {
    const url = new URL(baseUrl);
    url.port = String(await freePort());
    const unreachable = createDb({ url: url.toString(), max: 1 });
    try {
      const res = await rest(`/weather/${station}`, contextOn(unreachable.db));
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: 'database_unavailable' });
      expect(res.text).not.toMatch(LEAKS);
    } finally {
      await unreachable.close();
    }
  });
});

describe('bounds PostgreSQL cannot store', () => {
  it.each([
    ['year 0', 'start_time', '0000-01-01T00:00:00Z'],
    ['year 1 with an offset that puts it in year 0', 'start_time', '0001-01-01T00:00:00+14:00'],
    ['before 1900', 'start_time', '1899-12-31T23:59:59Z'],
    ['year 10000', 'end_time', '10000-01-01T00:00:00Z'],
    [
      'year 9999 with an offset that puts it in year 10000',
      'end_time',
      '9999-12-31T23:00:00-14:00',
    ],
  ])('refuses %s with 400 naming the parameter', async (_name, param, value) => {
    for (const op of ['', 'aggregate/', 'timeseries/']) {
      const res = await rest(`/weather/${op}${station}?${param}=${encodeURIComponent(value)}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        error: 'validation_failed',
        issues: [{ path: [param], message: expect.any(String) }],
      });
      expect(res.text).not.toMatch(LEAKS);
    }
  });

  it('accepts 1900-01-01 itself', async () => {
    const res = await rest(`/weather/aggregate/${station}?start_time=1900-01-01T00:00:00Z`);
    expect([res.status, res.body.count]).toEqual([200, 3]);
  });

  it('answers a cursor the database cannot take (year 0) with 400, not the failed query', async () => {
    const cursor = Buffer.from('0000-01-01T00:00:00.000Z').toString('base64url');
    const res = await rest(`/weather/${station}?cursor=${cursor}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'bad_request', message: expect.any(String) });
    expect(res.text).not.toMatch(LEAKS);
  });
});

describe('error bodies', () => {
  it('are { error, message } with issues only for invalid input, each issue a path and a message', async () => {
    expect((await rest('/weather/aggregate/NOPE-1')).body).toEqual({
      error: 'not_found',
      message: 'Unknown station "NOPE-1"',
    });
    expect((await rest('/weather/nope/too/deep')).body).toEqual({
      error: 'not_found',
      message: 'No route for GET /api/weather/nope/too/deep',
    });
    const invalid = await rest(`/weather/${station}?limit=0&start_time=yesterday`);
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body).sort()).toEqual(['error', 'issues', 'message']);
    expect(invalid.body.issues).toEqual([
      { path: ['start_time'], message: expect.any(String) },
      { path: ['limit'], message: expect.any(String) },
    ]);
    expect((await rest('/weather/%ZZ')).body).toEqual({
      error: 'malformed_url',
      message: 'Malformed percent-encoding in the URL path',
    });
  });
});

describe('query parameters named like Object.prototype members', () => {
  it('ignores them like any unknown parameter instead of failing with 500', async () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) {
      const res = await rest(`/stations?${name}=0000-01-01T00:00:00Z`);
      expect(res.status, name).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
    }
  });
});

describe('HEAD', () => {
  it('answers as GET would, status and headers', async () => {
    const head = (path: string) =>
      handleRest(
        new Request(`http://localhost/api${path}`, { method: 'HEAD' }),
        contextOn(database.db),
      );
    expect((await head(`/weather/${station}`)).status).toBe(200);
    expect((await head('/weather/NOPE-HEAD')).status).toBe(404);
  });
});

describe('tRPC over HTTP', () => {
  it(`refuses a batch of more than ${MAX_BATCH_SIZE} calls with 400 before running any`, async () => {
    let contexts = 0;
    const counting = (resHeaders?: ApiContext['resHeaders']) => {
      contexts++;
      return contextOn(database.db)(resHeaders);
    };
    const batch = (n: number) =>
      `${Array.from({ length: n }, () => 'stations.list').join(',')}?batch=1&input=%7B%7D`;
    const started = Date.now();
    const refused = await trpc(batch(500), counting);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: { data: { code: 'BAD_REQUEST', httpStatus: 400, error: 'bad_request' } },
    });
    expect((await trpc(batch(MAX_BATCH_SIZE + 1), counting)).status).toBe(400);
    expect(contexts).toBe(0);

    const allowed = await trpc(batch(MAX_BATCH_SIZE));
    expect(allowed.status).toBe(200);
    expect(allowed.body).toHaveLength(MAX_BATCH_SIZE);
  });

  it('says in Allow which method a procedure takes when asked with another', async () => {
    const res = await handleTrpc(
      new Request('http://localhost/api/trpc/stations.list', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
      contextOn(database.db),
    );
    expect([res.status, res.headers.get('allow')]).toEqual([405, 'GET']);
  });

  it('answers input that is not JSON with 400 and failed queries without their text', async () => {
    const malformed = await trpc('stations.list?input=%7Bnot-json');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({
      error: { data: { code: 'PARSE_ERROR', error: 'malformed_input' } },
    });
    const cursor = Buffer.from('0000-01-01T00:00:00.000Z').toString('base64url');
    const input = encodeURIComponent(JSON.stringify({ station_id: station, cursor }));
    const refused = await trpc(`weather.readings?input=${input}`);
    expect(refused.status).toBe(400);
    expect(refused.text).not.toMatch(LEAKS);
  });
});

describe('pipeline.status', () => {
  let consumer: Server;
  let consumerUrl: string;
  const statement = `Failed query: insert into weather_readings (station_id, ts) select * from unnest($1::text[], $2::timestamptz[])\nparams: ${'ST-1,0000-01-01T00:00:00.000Z,'.repeat(200)}`;

  beforeAll(async () => {
    // A stand-in for a consumer that reports a failed INSERT whole, as it once did.
    consumer = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/ready') {
        res.statusCode = 503;
        res.end(JSON.stringify({ checks: { kafka: 'ok', database: `last error: ${statement}` } }));
        return;
      }
      res.end(
        JSON.stringify({
          received: 1,
          inserted: 0,
          duplicates_dropped_memory: 0,
          duplicates_dropped_database: 0,
          dead_lettered: 0,
          rows_per_second: 0,
          database_error: statement,
          lag: { total: 1 },
          rate_history: [],
        }),
      );
    });
    await new Promise<void>((resolve) => consumer.listen(0, '127.0.0.1', resolve));
    consumerUrl = `http://127.0.0.1:${(consumer.address() as net.AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => consumer.close(() => resolve())));

  it("never passes on a failed statement or its parameters from the consumer's figures", async () => {
    const status = await createCaller({
      ...contextOn(database.db)(),
      consumerUrl,
    }).pipeline.status();
    expect(status.consumer?.database_error).toBe("a statement failed (see that service's log)");
    const health = status.services.find((s) => s.name === 'consumer');
    expect(health).toMatchObject({ status: 'degraded' });
    expect(health?.detail.length).toBeLessThanOrEqual(300);
    expect(JSON.stringify(status)).not.toMatch(/insert into|params:|unnest/i);
  });
});
