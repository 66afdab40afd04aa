import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { type FakeCollector, startFakeCollector } from './fake-collector';
import { type App, buildApp, silentLogger, status, waitForStatus } from './helpers';

// The generator sends only to the collectors it is configured for: `collector_url` outside
// GENERATOR_ALLOWED_TARGETS is refused with 400 and not one request reaches it.
let collector: FakeCollector;
let outsider: FakeCollector;
let app: App;

beforeAll(async () => {
  collector = await startFakeCollector();
  outsider = await startFakeCollector();
  app = await buildApp(collector.url);
});

afterEach(async () => {
  await app.inject({ method: 'POST', url: '/stop' });
  collector.answerWith(undefined);
});

afterAll(async () => {
  await app.close();
  await Promise.all([collector.close(), outsider.close()]);
});

const post = (target: App, url: string, payload: object) =>
  target.inject({ method: 'POST', url, payload });

/** Lets a run or backfill that wrongly started have time to send something. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('collector_url outside the allow-list (default: COLLECTOR_URL only)', () => {
  it.each([
    ['another collector', () => outsider.url],
    ['a cloud metadata address', () => 'http://169.254.169.254/latest/meta-data'],
    [
      'credentials that hide another host',
      () => `http://${collector.url.slice(7)}@169.254.169.254/`,
    ],
    ['the allowed host on another port', () => collector.url.replace(/:\d+$/, ':1')],
  ])('refuses %s for a run and a backfill with 400, sending nothing', async (_name, target) => {
    const url = target();
    const options = { '/start': { interval: 0.05, stations: 2 }, '/backfill': { days: 0.01 } };
    for (const [route, rest] of Object.entries(options)) {
      const res = await post(app, route, { collector_url: url, ...rest });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error: 'target_not_allowed',
        message: `collector_url ${JSON.stringify(url)} is not one of the allowed targets (GENERATOR_ALLOWED_TARGETS); nothing was sent.`,
      });
    }
    await settle();
    expect(outsider.requests).toHaveLength(0);
    expect(collector.requests).toHaveLength(0);
    expect(await status(app)).toMatchObject({ running: false, run: null, backfill: null });
  });

  it('keeps the running run when a restart names a collector that is not allowed', async () => {
    expect((await post(app, '/start', { stations: 2, interval: 0.05 })).statusCode).toBe(202);
    const refused = await post(app, '/start', { collector_url: outsider.url });
    expect(refused.statusCode).toBe(400);
    const s = await waitForStatus(
      'readings accepted',
      () => status(app),
      (v) => (v.run?.accepted ?? 0) > 5,
    );
    expect(s.running).toBe(true);
    expect(s.run?.options.collector_url).toBe(collector.url);
    expect(outsider.requests).toHaveLength(0);
  });

  it('sends to the allowed collector named explicitly, with the seed-style path suffix', async () => {
    const res = await post(app, '/start', {
      collector_url: `${collector.url}/weather-data/batch`,
      stations: 2,
      interval: 0.05,
    });
    expect(res.statusCode).toBe(202);
    await waitForStatus(
      'readings accepted',
      () => status(app),
      (s) => (s.run?.accepted ?? 0) > 5,
    );
    expect(collector.requests.length).toBeGreaterThan(0);
  });

  it('does not follow a redirect to elsewhere: the upload counts as refused', async () => {
    collector.answerWith((_request, res) => {
      res.writeHead(307, { location: `${outsider.url}/weather-data/batch` });
      res.end();
      return true;
    });
    await post(app, '/start', { stations: 1, interval: 0.05, batch_size: 1 });
    const s = await waitForStatus(
      'uploads refused',
      () => status(app),
      (v) => (v.run?.requests.rejected ?? 0) >= 3,
    );
    expect(s.run?.accepted).toBe(0);
    expect(outsider.requests).toHaveLength(0);
  });
});

describe('GENERATOR_ALLOWED_TARGETS listing more than one collector', () => {
  it('sends to any listed one', async () => {
    const wide = await createApp({
      logger: silentLogger(),
      collectorUrl: collector.url,
      allowedTargets: [collector.url, outsider.url],
      stopGraceMs: 5000,
    });
    try {
      const res = await post(wide, '/backfill', {
        collector_url: outsider.url,
        stations: 2,
        days: 0.01,
        interval: 60,
      });
      expect(res.statusCode).toBe(202);
      const done = await waitForStatus(
        'the backfill',
        () => status(wide),
        (s) => s.backfill?.state === 'completed',
      );
      expect(done.backfill?.accepted).toBe(2 * 14);
      expect(outsider.requests.length).toBeGreaterThan(0);
    } finally {
      await wide.inject({ method: 'POST', url: '/stop' });
      await wide.close();
    }
  });
});
