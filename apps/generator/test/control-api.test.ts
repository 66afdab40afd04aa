import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeCollector, startFakeCollector } from './fake-collector';
import { type App, buildApp, status, waitForStatus } from './helpers';

// The control API in-process, its stations sending to a stand-in collector over real HTTP.
let collector: FakeCollector;
let app: App;

beforeAll(async () => {
  collector = await startFakeCollector();
  app = await buildApp(collector.url);
});

afterEach(async () => {
  await app.inject({ method: 'POST', url: '/stop' });
});

afterAll(async () => {
  await app.close();
  await collector.close();
});

const post = (url: string, payload?: unknown) =>
  app.inject({
    method: 'POST',
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

describe('POST /start options', () => {
  it.each([
    [{ stations: 0 }, 'stations', 'between 1 and 10000'],
    [{ stations: 2.5 }, 'stations', 'whole number'],
    [{ interval: 'fast' }, 'interval', 'must be a number'],
    [{ interval: 0 }, 'interval', 'between 0.05 and 3600'],
    [{ use_batch: 'yes' }, 'use_batch', 'true or false'],
    [{ batch_size: 1001 }, 'batch_size', 'between 1 and 1000'],
    [{ duplicate_percent: 95 }, 'duplicate_percent', 'between 0 and 90'],
    [{ invalid_percent: -1 }, 'invalid_percent', 'between 0 and 100'],
    [{ collector_url: 'ftp://example.com' }, 'collector_url', 'http(s) URL'],
    [{ burst_percent: 10, interval: 0.05, burst_size: 50 }, 'burst_size', 'smaller than interval'],
    [{ station: 3 }, '(root)', 'station'],
  ])('refuses %j with 400 naming %s', async (options, field, reason) => {
    const res = await post('/start', options);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('validation_failed');
    expect(body.message).toContain(field === '(root)' ? reason : `/${field}`);
    expect(body.message).toContain(reason);
    expect((await status(app)).running).toBe(false);
  });

  it('refuses a malformed body with 400', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/start',
      headers: { 'content-type': 'application/json' },
      payload: '{"stations": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('malformed_json');
  });

  it('refuses bad backfill options with 400 and the reason', async () => {
    const tooMuch = await post('/backfill', { stations: 10_000, days: 366, interval: 1 });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().message).toMatch(/\/days .*at most 50,000,000 readings/);
    const tooShort = await post('/backfill', { days: 0.0001, interval: 3600 });
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.json().message).toContain('at least one interval');
  });
});

describe('run control', () => {
  it('reports an idle generator before any run', async () => {
    const res = await app.inject({ method: 'GET', url: '/status' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ running: false, run: null });
    expect((await post('/stop')).json()).toMatchObject({ status: 'not_running', run: null });
  });

  it('starts with the documented defaults when given no body', async () => {
    const res = await post('/start');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      status: 'started',
      run: {
        state: 'running',
        options: {
          stations: 10,
          interval: 1,
          use_batch: true,
          batch_size: 5,
          duplicate_percent: 20,
          collector_url: collector.url,
          invalid_percent: 0,
          out_of_order_percent: 0,
          late_upload_percent: 0,
          clock_skew_percent: 0,
          burst_percent: 0,
        },
      },
    });
  });

  it('restarts with the new settings when started while running, then stops with final counts', async () => {
    const first = await post('/start', { stations: 3, interval: 0.05, batch_size: 2 });
    expect(first.json().status).toBe('started');
    await waitForStatus(
      'readings accepted',
      () => status(app),
      (s) => (s.run?.accepted ?? 0) >= 30,
    );

    const second = await post('/start', { stations: 2, interval: 0.1, use_batch: false, seed: 9 });
    expect(second.statusCode).toBe(202);
    expect(second.json()).toMatchObject({
      status: 'restarted',
      run: { state: 'running', options: { stations: 2, use_batch: false, seed: 9 }, sent: 0 },
    });
    const during = await waitForStatus(
      'single uploads',
      () => status(app),
      (s) => (s.run?.accepted ?? 0) >= 10,
    );
    expect(during.running).toBe(true);

    const stopped = await post('/stop');
    expect(stopped.statusCode).toBe(200);
    const { run } = stopped.json();
    expect(stopped.json().status).toBe('stopped');
    expect(run.state).toBe('stopped');
    expect(run.stopped_at).not.toBeNull();
    expect(run.in_flight).toBe(0);
    expect(run.rejected).toBe(0);
    // Every accepted record is either a first acceptance or a repeat of one.
    expect(run.unique_accepted + run.duplicates_accepted).toBe(run.accepted);
    expect(run.duplicates_accepted).toBe(run.duplicates_sent);
    const after = await status(app);
    expect(after.running).toBe(false);
    expect(after.run?.accepted).toBe(run.accepted);
  });

  it('lists the stations of the run with identity, place and climate', async () => {
    await post('/start', { stations: 4, interval: 60 });
    const stations = (await app.inject({ method: 'GET', url: '/stations' })).json();
    expect(stations.map((s: { id: string }) => s.id)).toEqual([
      'SIM-001',
      'SIM-002',
      'SIM-003',
      'SIM-004',
    ]);
    expect(stations[0]).toMatchObject({
      name: expect.any(String),
      latitude: expect.any(Number),
      elevation: expect.any(Number),
      timezone: expect.stringMatching(/^[A-Z][A-Za-z_]+\/[A-Za-z_]+$/),
      climate: { kind: expect.any(String), mean_temperature: expect.any(Number) },
    });
    const preview = (await app.inject({ method: 'GET', url: '/stations?count=2&seed=5' })).json();
    expect(preview).toHaveLength(2);
  });
});

describe('backfill control', () => {
  it('answers 409 while a backfill runs, and reports it in /status', async () => {
    // Slow answers keep the first backfill running.
    collector.answerWith((_request, res) => {
      setTimeout(() => {
        res.writeHead(503, { 'retry-after': '1', 'content-type': 'application/json' });
        res.end('{"error":"kafka_unavailable","message":"down"}');
      }, 200);
      return true;
    });
    try {
      const first = await post('/backfill', { stations: 2, days: 1, interval: 60 });
      expect(first.statusCode).toBe(202);
      expect(first.json().backfill).toMatchObject({ state: 'running', planned: 2 * 1440 });
      const second = await post('/backfill', { stations: 1, days: 1 });
      expect(second.statusCode).toBe(409);
      expect(second.json().error).toBe('backfill_running');
      const s = await status(app);
      expect(s.backfill?.state).toBe('running');
      const stopped = (await post('/stop')).json();
      expect(stopped.backfill.state).toBe('cancelled');
    } finally {
      collector.answerWith(undefined);
    }
  });
});

describe('documentation', () => {
  it('serves an OpenAPI document listing the control routes, and /docs', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/start', '/stop', '/status', '/backfill', '/health', '/stations']),
    );
    expect(doc.paths['/start'].post.description).toContain('restarts');
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
    expect((await app.inject({ method: 'GET', url: '/health' })).json().service).toBe('generator');
  });
});
