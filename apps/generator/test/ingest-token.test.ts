import type { BackfillStatus, RunStatus } from '@weather/contracts/generator';
import { issueToken } from '@weather/core/tokens';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../src/app';
import { type FakeCollector, startFakeCollector } from './fake-collector';
import { type App, buildApp, capturingLogger, status, waitForStatus } from './helpers';

// Ingest tokens (SPEC §12): what the stations send, what /status shows instead, and how a run
// takes the collector's 401 and 403.
let app: App | undefined;
let collector: FakeCollector | undefined;

afterEach(async () => {
  await app?.inject({ method: 'POST', url: '/stop' });
  await app?.close();
  await collector?.close();
  app = undefined;
  collector = undefined;
});

const envToken = issueToken('gateway').token;
const optionToken = issueToken('gateway').token;

async function setUp(deps: Partial<AppDeps> = {}) {
  const c = await startFakeCollector();
  const a = await buildApp(c.url, deps);
  collector = c;
  app = a;
  return { c, a };
}

const post = (a: App, url: string, payload: Record<string, unknown>) =>
  a.inject({ method: 'POST', url, payload });

const live = { stations: 3, interval: 0.05, batch_size: 2, duplicate_percent: 0 };

const running = (a: App) => () => status(a);
const finishedBackfill = (a: App) =>
  waitForStatus(
    'the backfill to finish',
    running(a),
    (s) => s.backfill !== null && s.backfill.state !== 'running',
  ).then((s) => s.backfill as BackfillStatus);

/** How many requests the collector got, once they have stopped coming for 300 ms. */
async function settledRequests(c: FakeCollector) {
  let count = -1;
  while (count !== c.requests.length) {
    count = c.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return count;
}

describe('the ingest token', () => {
  it('goes with every live upload and backfill request as Authorization: Bearer', async () => {
    const { c, a } = await setUp({ ingestToken: envToken });
    c.requireTokens([envToken]);
    expect((await post(a, '/start', live)).statusCode).toBe(202);
    await waitForStatus('uploads accepted', running(a), (s) => (s.run?.accepted ?? 0) >= 20);
    const run = (await post(a, '/stop', {})).json().run as RunStatus;
    expect(run.rejected).toBe(0);
    expect(run.options.token_source).toBe('env');

    const started = await post(a, '/backfill', { stations: 2, days: 1 / 24, batch_size: 20 });
    expect(started.statusCode).toBe(202);
    const backfill = await finishedBackfill(a);
    expect(backfill).toMatchObject({ state: 'completed', accepted: 120, rejected: 0 });
    expect(backfill.options.token_source).toBe('env');

    expect(c.unauthorized).toBe(0);
    expect(c.requests.length).toBeGreaterThanOrEqual(10 + 6);
    expect(new Set(c.requests.map((r) => r.headers.authorization))).toEqual(
      new Set([`Bearer ${envToken}`]),
    );
  });

  it('is the `token` option instead of GENERATOR_INGEST_TOKEN for that run or backfill', async () => {
    const { c, a } = await setUp({ ingestToken: envToken });
    c.requireTokens([optionToken]);
    expect((await post(a, '/start', { ...live, token: optionToken })).statusCode).toBe(202);
    const during = await waitForStatus(
      'uploads accepted',
      running(a),
      (s) => (s.run?.accepted ?? 0) >= 10,
    );
    expect(during.run?.options.token_source).toBe('option');
    await post(a, '/stop', {});
    await post(a, '/backfill', { stations: 1, days: 1 / 24, token: optionToken });
    expect(await finishedBackfill(a)).toMatchObject({ state: 'completed', accepted: 60 });
    expect(c.unauthorized).toBe(0);
    expect(new Set(c.requests.map((r) => r.headers.authorization))).toEqual(
      new Set([`Bearer ${optionToken}`]),
    );

    // The next backfill without the option is back to the environment's token.
    const before = c.requests.length;
    await post(a, '/backfill', { stations: 1, days: 1 / 24 });
    expect((await finishedBackfill(a)).state).toBe('failed');
    expect(c.requests[before]?.headers.authorization).toBe(`Bearer ${envToken}`);
  });

  it('sends no Authorization header when there is no token at all', async () => {
    const { c, a } = await setUp();
    await post(a, '/start', live);
    const s = await waitForStatus('uploads', running(a), (x) => (x.run?.accepted ?? 0) >= 4);
    expect(s.run?.options.token_source).toBe('none');
    expect(c.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it.each([
    ['/start', 'wxg_tooShort'],
    ['/start', `wxq_${'a'.repeat(32)}`],
    ['/backfill', `Bearer ${optionToken}`],
    ['/backfill', 42],
  ])('refuses a malformed token on %s with 400, without repeating it', async (url, token) => {
    const { c, a } = await setUp({ ingestToken: envToken });
    const res = await post(a, url, { token });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'validation_failed' });
    expect(res.json().message).toContain('/token');
    if (typeof token === 'string') {
      expect(res.json().message).toContain('must be an ingest token');
      expect(res.body).not.toContain(token);
    }
    expect(await status(a)).toMatchObject({ running: false, run: null, backfill: null });
    expect(c.requests).toHaveLength(0);
  });

  it('never appears in /status, the answers or the logs, only where it came from', async () => {
    const { logger, lines } = capturingLogger();
    const { c, a } = await setUp({ ingestToken: envToken, logger });
    c.requireTokens([optionToken]);
    const answers = [
      (await post(a, '/start', { ...live, token: optionToken })).body,
      (await post(a, '/backfill', { stations: 1, days: 1 / 24, token: optionToken })).body,
    ];
    await waitForStatus(
      'both running',
      running(a),
      (s) => (s.run?.accepted ?? 0) >= 10 && s.backfill?.state === 'completed',
    );
    const during = (await a.inject({ method: 'GET', url: '/status' })).body;
    answers.push(during, (await post(a, '/stop', {})).body);
    // A refused token is not repeated in the reason either.
    c.requireTokens([]);
    answers.push((await post(a, '/start', live)).body);
    const failed = await waitForStatus('the refusal', running(a), (s) => s.run?.state === 'failed');
    answers.push(JSON.stringify(failed));

    expect(JSON.parse(during).run.options).toMatchObject({ token_source: 'option' });
    expect(JSON.parse(during).run.options).not.toHaveProperty('token');
    expect(failed.run?.last_error).toContain('GENERATOR_INGEST_TOKEN');
    expect(lines.length).toBeGreaterThan(3);
    for (const text of [...answers, ...lines]) {
      expect(text).not.toContain(optionToken);
      expect(text).not.toContain(envToken);
      expect(text).not.toContain(envToken.slice(4));
    }
  });
});

describe('a collector that refuses the token (401)', () => {
  it('stops the run with the reason after a few tries, counting its readings as rejected', async () => {
    const { c, a } = await setUp({ ingestToken: envToken });
    c.requireTokens([optionToken]);
    await post(a, '/start', live);
    const s = await waitForStatus('the run to fail', running(a), (x) => x.run?.state === 'failed');
    const run = s.run as RunStatus;
    expect(s.running).toBe(false);
    expect(run.last_error).toBe(
      'the collector refused the ingest token from GENERATOR_INGEST_TOKEN ' +
        '(401 unknown_token: fake collector: unknown_token); set GENERATOR_INGEST_TOKEN or pass token',
    );

    // Bounded: each station tried at most three times (the first and two re-sends), then stopped.
    const requests = await settledRequests(c);
    expect(requests).toBeGreaterThanOrEqual(3);
    expect(requests).toBeLessThanOrEqual(3 * 3);
    expect(c.unauthorized).toBe(requests);
    expect((await status(a)).run?.requests.total).toBe(requests);
    expect(run.requests).toMatchObject({ rejected: requests, accepted: 0 });
    expect(run.accepted).toBe(0);
    expect(run.rejected).toBeGreaterThan(0);
    expect(run.rejections).toEqual({
      'HTTP 401 unknown_token: fake collector: unknown_token': run.rejected,
    });
    // Every reading is accounted for: refused, or discarded when the run stopped.
    expect(run.rejected + run.discarded + run.unknown_outcome).toBe(run.generated);
    expect(run.buffered).toBe(0);
  });

  it('says that no token was sent when there is none', async () => {
    const { c, a } = await setUp();
    c.requireTokens([envToken]);
    await post(a, '/start', { ...live, use_batch: false });
    const s = await waitForStatus('the run to fail', running(a), (x) => x.run?.state === 'failed');
    expect(s.run?.last_error).toMatch(
      /^the collector refused the upload: no ingest token was sent \(401 missing_token: .*\); set GENERATOR_INGEST_TOKEN or pass token$/,
    );
  });

  it('names the token option when that was refused', async () => {
    const { c, a } = await setUp({ ingestToken: envToken });
    c.requireTokens([envToken]);
    await post(a, '/start', { ...live, token: optionToken });
    const s = await waitForStatus('the run to fail', running(a), (x) => x.run?.state === 'failed');
    expect(s.run?.last_error).toContain('refused the ingest token passed as `token` (401');
    expect(s.run?.last_error).toContain('pass a valid token, or none');
  });

  it('keeps every reading when the collector learns the token within the grace period', async () => {
    const { c, a } = await setUp({ ingestToken: envToken });
    c.requireTokens([]);
    // A token the collector learns of just after refusing the first upload (SPEC §12: ≤ 5 s).
    c.answerWith(() => {
      if (c.unauthorized > 0) c.requireTokens([envToken]);
      return false;
    });
    await post(a, '/start', { ...live, stations: 1 });
    const s = await waitForStatus(
      'uploads',
      running(a),
      (x) => (x.run?.unique_accepted ?? 0) >= 10,
    );
    expect(s.run).toMatchObject({ state: 'running', rejected: 0, retried: 2 });
    expect(s.run?.requests.rejected).toBe(1);
    expect(c.unauthorized).toBe(1);
  });

  it('fails a backfill with the reason, after a bounded number of requests', async () => {
    const { c, a } = await setUp({ ingestToken: envToken });
    c.requireTokens([optionToken]);
    await post(a, '/backfill', { stations: 5, days: 1, batch_size: 100, concurrency: 4 });
    const backfill = await finishedBackfill(a);
    expect(backfill.state).toBe('failed');
    expect(backfill.error).toContain(
      'the collector refused the ingest token from GENERATOR_INGEST_TOKEN (401 unknown_token',
    );
    const requests = await settledRequests(c);
    expect(requests).toBeLessThanOrEqual(4 * 3);
    expect(backfill.accepted).toBe(0);
  });
});

describe('a collector that refuses a station (403)', () => {
  it.each([true, false])(
    'stops that station alone (use_batch %s), the others keep sending',
    async (useBatch) => {
      const { c, a } = await setUp();
      c.refuseStations(['SIM-002']);
      await post(a, '/start', { ...live, use_batch: useBatch });
      const s = await waitForStatus(
        'the others to keep going',
        running(a),
        (x) => (x.run?.accepted ?? 0) >= 40 && (x.run?.last_error ?? '').includes('SIM-002'),
      );
      expect(s.running).toBe(true);
      expect(s.run?.last_error).toMatch(
        /^the collector refused station SIM-002 without an ingest token \(403 forbidden_station: This token may not write this station\); use a gateway token with auto-register .* \(1 of 3 stations stopped sending\)$/,
      );
      const fromRefused = () =>
        c.requests.filter((r) => r.records.some((record) => record.station_id === 'SIM-002'))
          .length;
      const refusedRequests = fromRefused();
      expect(refusedRequests).toBeLessThanOrEqual(3);
      await waitForStatus(
        'more uploads from the others',
        running(a),
        (x) => (x.run?.accepted ?? 0) >= (s.run?.accepted ?? 0) + 20,
      );
      expect(fromRefused()).toBe(refusedRequests);
      const run = (await post(a, '/stop', {})).json().run as RunStatus;
      expect(run.state).toBe('stopped');
      expect(run.rejections).toEqual({
        [useBatch
          ? 'station_id: This token may not write this station'
          : 'HTTP 403 forbidden_station: This token may not write this station']: run.rejected,
      });
      expect(run.rejected).toBeGreaterThan(0);
      expect(run.rejected).toBeLessThanOrEqual(useBatch ? 2 : 1);
    },
  );

  it('stops the run when every station is refused', async () => {
    const { c, a } = await setUp({ ingestToken: envToken });
    c.refuseStations(['SIM-001', 'SIM-002'], 'station_disabled');
    await post(a, '/start', { ...live, stations: 2 });
    const s = await waitForStatus('the run to fail', running(a), (x) => x.run?.state === 'failed');
    expect(s.run?.last_error).toMatch(
      /^every station was refused; the last: the collector refused station SIM-00[12] for the ingest token from GENERATOR_INGEST_TOKEN \(403 station_disabled: This station is disabled\)/,
    );
    expect(await settledRequests(c)).toBeLessThanOrEqual(2 * 3);
  });

  it('fails a backfill that names a station the token may not write', async () => {
    const { c, a } = await setUp({ ingestToken: envToken });
    c.refuseStations(['SIM-001']);
    await post(a, '/backfill', { stations: 2, days: 1, batch_size: 100, concurrency: 1 });
    const backfill = await finishedBackfill(a);
    expect(backfill.state).toBe('failed');
    expect(backfill.error).toMatch(
      /^the collector refused station SIM-001 for the ingest token from GENERATOR_INGEST_TOKEN \(403 forbidden_station/,
    );
    expect(await settledRequests(c)).toBe(3);
    expect(backfill.rejected).toBe(100);
  });
});
