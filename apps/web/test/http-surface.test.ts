import { randomBytes } from 'node:crypto';
import { MAX_BATCH_SIZE, MAX_URL_LENGTH } from '@weather/api/limits';
import type { ServiceProcess } from '@weather/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refuseConnections, residentMb, seededDatabase, startWeb } from './web-server';

// The web app's HTTP surface as clients meet it: the built Next.js server (its router, the
// proxy, the route handlers) over a real PostgreSQL and Redis. Every error is JSON
// `{ error, message }` with the right status, and none carries SQL or a stack trace.
const station = `WEB-${randomBytes(3).toString('hex')}`;
const LEAKS = /select |Failed query|params:|\$1|stack|at .*\.(?:ts|js):\d+/i;

let database: Awaited<ReturnType<typeof seededDatabase>>;
let web: ServiceProcess;

async function call(path: string, init?: RequestInit, base = web.url) {
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

beforeAll(async () => {
  database = await seededDatabase('web_http', station);
  web = await startWeb(database.url);
});

afterAll(async () => {
  await web?.stop();
  await database?.drop();
});

describe('malformed URLs', () => {
  it.each([
    '/api/weather/%ZZ',
    '/api/weather/%C0%AF',
    '/api/weather/aggregate/%E0%A4%A',
    '/stations/%ZZ',
    '/%ZZ',
  ])('answer %s with 400 JSON', async (path) => {
    const res = await call(path);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: 'malformed_url', message: expect.any(String) });
  });

  it(`answers a URL longer than ${MAX_URL_LENGTH} bytes with 414 JSON`, async () => {
    const res = await call(`/api/weather/${station}?pad=${'x'.repeat(MAX_URL_LENGTH)}`);
    expect(res.status).toBe(414);
    expect(res.body).toEqual({ error: 'uri_too_long', message: expect.any(String) });
  });
});

describe('routes and methods under /api', () => {
  it.each([
    ['GET', '/api/nope'],
    ['POST', '/api/nope'],
    ['GET', '/api/stations/extra'],
    ['GET', '/api/weather'],
    ['GET', '/api/trpc'],
    ['DELETE', '/api/a/b/c'],
  ])('answers an unknown route (%s %s) with 404 JSON', async (method, path) => {
    const res = await call(path, { method });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found', message: `No route for ${method} ${path}` });
  });

  it.each([
    ['POST', '/api/stations', 'GET, HEAD, OPTIONS'],
    ['DELETE', `/api/weather/${station}`, 'GET, HEAD, OPTIONS'],
    ['PUT', '/api/weather/aggregate/X', 'GET, HEAD, OPTIONS'],
    ['POST', '/api/health', 'GET, HEAD, OPTIONS'],
    ['PATCH', '/api/openapi.json', 'GET, HEAD, OPTIONS'],
    ['PUT', '/api/trpc/stations.list', 'GET, POST, HEAD, OPTIONS'],
    ['PROPFIND', '/api/stations', 'GET, HEAD, OPTIONS'],
  ])('answers %s %s with 405, Allow and a JSON body', async (method, path, allow) => {
    const res = await call(path, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect(res.body).toEqual({ error: 'method_not_allowed', message: expect.any(String) });
  });

  it('names the allowed methods in OPTIONS, and in a 405 for a procedure asked the wrong way', async () => {
    const options = await call('/api/stations', { method: 'OPTIONS' });
    expect([options.status, options.headers.get('allow')]).toEqual([204, 'GET, HEAD, OPTIONS']);
    const posted = await call('/api/trpc/stations.list', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect([posted.status, posted.headers.get('allow')]).toEqual([405, 'GET']);
    expect(posted.body).toMatchObject({
      error: { data: { code: 'METHOD_NOT_SUPPORTED', error: 'method_not_allowed' } },
    });
  });
});

describe('query parameters', () => {
  it.each([
    ['start_time', '0000-01-01T00:00:00Z'],
    ['start_time', '0001-01-01T00:00:00+14:00'],
    ['end_time', '10000-01-01T00:00:00Z'],
  ])('refuses %s=%s, which PostgreSQL cannot store, with 400 and no SQL', async (param, value) => {
    for (const op of ['', 'aggregate/', 'timeseries/']) {
      const res = await call(`/api/weather/${op}${station}?${param}=${encodeURIComponent(value)}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        error: 'validation_failed',
        issues: [{ path: [param], message: expect.any(String) }],
      });
      expect(res.text).not.toMatch(LEAKS);
    }
  });

  it('refuses a format other than json or csv, and csv where only JSON exists', async () => {
    for (const path of [
      `/api/weather/${station}?format=xml`,
      `/api/weather/${station}?format=`,
      `/api/weather/aggregate/${station}?format=csv`,
    ]) {
      const res = await call(path);
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.body).toEqual({ error: 'bad_request', message: expect.any(String) });
    }
  });

  it('serves readings as JSON or CSV as asked', async () => {
    const json = await call(`/api/weather/${station}?format=json&limit=5`);
    expect(json.status).toBe(200);
    expect((json.body as { readings: unknown[] }).readings).toHaveLength(5);
    const csv = await call(`/api/weather/${station}?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text.trim().split('\n')).toHaveLength(31);
  });
});

describe('tRPC bounds', () => {
  const batch = (n: number) =>
    `/api/trpc/${Array.from({ length: n }, () => 'stations.list').join(',')}?batch=1&input=%7B%7D`;

  it(`serves a batch of ${MAX_BATCH_SIZE} calls and refuses one more with 400`, async () => {
    const allowed = await call(batch(MAX_BATCH_SIZE));
    expect(allowed.status).toBe(200);
    expect(allowed.body).toHaveLength(MAX_BATCH_SIZE);
    const refused = await call(batch(MAX_BATCH_SIZE + 1));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: { data: { code: 'BAD_REQUEST', httpStatus: 400, error: 'bad_request' } },
    });
  });

  it('refuses huge batches at once, several at a time, in bounded memory, and keeps serving', async () => {
    const pid = web.pid as number;
    const before = await residentMb(pid);
    const started = Date.now();
    // 500 calls fit in the URL cap (400 for the batch); 1,000 calls (a 14 KB URL) do not (414).
    const answers = await Promise.all([
      ...Array.from({ length: 4 }, () => call(batch(500))),
      ...Array.from({ length: 4 }, () => call(batch(1000))),
    ]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400, 414, 414, 414, 414]);
    expect((await residentMb(pid)) - before).toBeLessThan(100);

    const normal = await call('/api/trpc/stations.list');
    expect(normal.status).toBe(200);
    expect(normal.body).toMatchObject({ result: { data: [{ station_id: station }] } });
  });
});

describe('PostgreSQL refusing connections', () => {
  let outage: Awaited<ReturnType<typeof seededDatabase>>;
  let outageWeb: ServiceProcess;

  beforeAll(async () => {
    outage = await seededDatabase('web_outage', station);
    outageWeb = await startWeb(outage.url);
  });
  afterAll(async () => {
    await refuseConnections(outage.name, false);
    await outageWeb?.stop();
    await outage?.drop();
  });

  it('answers 503 JSON without SQL while it refuses, and 200 once it accepts again', async () => {
    const readings = `/api/weather/${station}`;
    expect((await call(readings, {}, outageWeb.url)).status).toBe(200);
    // None of these was asked before, so no cached answer can stand in for the database.
    const paths = [
      readings,
      `${readings}?format=csv`,
      '/api/stations',
      `/api/weather/aggregate/${station}?start_time=2026-01-10T00:00:00Z`,
      `/api/weather/timeseries/${station}?interval=1h`,
    ];

    await refuseConnections(outage.name, true);
    try {
      for (const path of paths) {
        const res = await call(path, {}, outageWeb.url);
        expect([path, res.status]).toEqual([path, 503]);
        expect(res.body).toEqual({ error: 'database_unavailable', message: expect.any(String) });
        expect(res.text).not.toMatch(LEAKS);
      }
      const trpc = await call('/api/trpc/stations.list', {}, outageWeb.url);
      expect(trpc.status).toBe(503);
      expect(trpc.body).toMatchObject({
        error: { data: { code: 'SERVICE_UNAVAILABLE', error: 'database_unavailable' } },
      });
      expect(trpc.text).not.toMatch(LEAKS);
    } finally {
      await refuseConnections(outage.name, false);
    }

    for (const path of paths) expect((await call(path, {}, outageWeb.url)).status).toBe(200);
  });
});
