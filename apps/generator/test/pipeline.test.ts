import type { BackfillStatus, RunStatus, StartOptionsInput } from '@weather/contracts/generator';
import { issueToken } from '@weather/core/tokens';
import { createPipeline, type Pipeline, stats, until } from '@weather/test-kit';
import { afterEach, describe, expect, it } from 'vitest';

// The generator as a real process, sending through the real collector, Kafka and consumer into
// this file's own database. What the generator says it got acknowledged must be what is stored.
let pipeline: Pipeline | undefined;
afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
});

async function call<T>(
  url: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** A Prometheus counter of the collector, summed over labels. */
async function collectorCounter(url: string, name: string) {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

async function startPipeline(label: string) {
  pipeline = await createPipeline(label);
  const collector = await pipeline.collector();
  const consumer = await pipeline.consumer();
  const generator = await pipeline.service('generator', {
    COLLECTOR_URL: collector.url,
    GENERATOR_INGEST_TOKEN: pipeline.ingestToken,
  });
  return { pipeline, collector, consumer, generator };
}

/** Runs the generator until it has `readings` unique readings acknowledged, then stops it. */
async function runFor(generatorUrl: string, options: StartOptionsInput, readings: number) {
  const started = await call<{ status: string }>(`${generatorUrl}/start`, 'POST', options);
  expect(started.status).toBe(202);
  await until(`${readings} readings acknowledged`, async () => {
    const { body } = await call<{ run: RunStatus }>(`${generatorUrl}/status`);
    return body.run.unique_accepted >= readings;
  });
  const stopped = await call<{ run: RunStatus }>(`${generatorUrl}/stop`, 'POST');
  expect(stopped.status).toBe(200);
  return stopped.body.run;
}

/** Waits until the consumer has seen every acknowledged record and has no lag. */
function consumerCaughtUp(consumerUrl: string, accepted: number) {
  return until('the consumer to catch up', async () => {
    const s = await stats(consumerUrl);
    return s.received >= accepted && s.lag.total === 0 ? s : undefined;
  });
}

describe('generator → collector → Kafka → consumer → database', () => {
  it('stores exactly the unique valid readings it reports accepted, with 20% duplicates and invalid readings', async () => {
    const { collector, consumer, generator } = await startPipeline('gen-dupes');
    const run = await runFor(
      generator.url,
      {
        stations: 10,
        interval: 0.05,
        batch_size: 5,
        duplicate_percent: 20,
        invalid_percent: 5,
        seed: 11,
      },
      1000,
    );
    const rows = await pipeline?.waitForRows(run.unique_accepted);
    const consumed = await consumerCaughtUp(consumer.url, run.accepted);

    // Rows: one per distinct key the collector acknowledged.
    expect(rows).toBe(run.unique_accepted);
    expect(consumed.inserted).toBe(run.unique_accepted);
    expect(run.unknown_outcome).toBe(0);

    // Duplicates: the copies the generator got acknowledged are what the consumer dropped; any
    // surplus is copies the collector's producer retries added on the wire.
    const dropped = consumed.duplicates_dropped_memory + consumed.duplicates_dropped_database;
    expect(run.duplicates_accepted).toBe(run.duplicates_sent);
    expect(run.duplicates_sent / run.sent).toBeGreaterThan(0.15);
    expect(dropped).toBe(consumed.received - consumed.inserted);
    expect(dropped - run.duplicates_accepted).toBe(consumed.received - run.accepted);
    expect(consumed.received).toBeGreaterThanOrEqual(run.accepted);

    // Rejects: refused by the collector before Kafka, so the consumer never saw them.
    expect(run.rejected).toBeGreaterThan(0);
    expect(run.faults.invalid - run.rejected).toBeLessThanOrEqual(run.discarded);
    expect(await collectorCounter(collector.url, 'collector_readings_rejected_total')).toBe(
      run.rejected,
    );
    expect(await collectorCounter(collector.url, 'collector_readings_accepted_total')).toBe(
      run.accepted,
    );
    expect(consumed.dead_lettered).toBe(0);
    expect(Object.values(run.rejections).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(
      run.rejected,
    );
  });

  it('still stores exactly the unique accepted readings with every fault injected at once', async () => {
    const { consumer, generator } = await startPipeline('gen-faults');
    const run = await runFor(
      generator.url,
      {
        stations: 6,
        interval: 0.05,
        batch_size: 5,
        duplicate_percent: 20,
        out_of_order_percent: 20,
        late_upload_percent: 3,
        offline_readings: 15,
        clock_skew_percent: 10,
        clock_skew_seconds: 60,
        invalid_percent: 5,
        burst_percent: 2,
        burst_size: 10,
        seed: 5,
      },
      1500,
    );
    for (const fault of [
      'duplicates',
      'out_of_order',
      'late_uploads',
      'late_readings',
      'clock_skewed',
      'invalid',
      'bursts',
    ] as const) {
      expect(run.faults[fault], fault).toBeGreaterThan(0);
    }
    expect(await pipeline?.waitForRows(run.unique_accepted)).toBe(run.unique_accepted);
    const consumed = await consumerCaughtUp(consumer.url, run.accepted);
    expect(consumed.inserted).toBe(run.unique_accepted);
    expect(
      consumed.duplicates_dropped_memory + consumed.duplicates_dropped_database,
    ).toBeGreaterThanOrEqual(run.duplicates_accepted);
    expect(consumed.dead_lettered).toBe(0);
  });

  it('stops a run whose token the collector does not know, saying why, and stores nothing', async () => {
    pipeline = await createPipeline('gen-token');
    const collector = await pipeline.collector();
    const generator = await pipeline.service('generator', {
      COLLECTOR_URL: collector.url,
      GENERATOR_INGEST_TOKEN: pipeline.ingestToken,
    });
    const unknown = issueToken('gateway').token;
    const started = await call(`${generator.url}/start`, 'POST', {
      stations: 2,
      interval: 0.05,
      token: unknown,
    });
    expect(started.status).toBe(202);
    // Past the grace period (about 7 s) in which a new token reaches every collector.
    const run = await until('the run to fail', async () => {
      const { body } = await call<{ run: RunStatus }>(`${generator.url}/status`);
      return body.run.state === 'failed' ? body.run : undefined;
    });
    expect(run.last_error).toMatch(
      /^the collector refused the ingest token passed as `token` \(401 unknown_token: The token is unknown or has been revoked\); pass a valid token/,
    );
    expect(run).toMatchObject({ accepted: 0, options: { token_source: 'option' } });
    expect(run.requests.total).toBeLessThanOrEqual(2 * 4);
    expect(await collectorCounter(collector.url, 'collector_ingest_refused_total')).toBe(
      run.requests.total,
    );
    expect(JSON.stringify(run)).not.toContain(unknown);
    expect(await pipeline.rowCount()).toBe(0);
  });

  it('backfills 3 stations × 2 hours at 60 s into exactly 360 rows ending now', async () => {
    const { consumer, generator } = await startPipeline('gen-backfill');
    const before = Date.now();
    const started = await call<{ backfill: BackfillStatus }>(`${generator.url}/backfill`, 'POST', {
      stations: 3,
      days: 2 / 24,
      interval: 60,
    });
    expect(started.status).toBe(202);
    expect(started.body.backfill.planned).toBe(360);
    const done = await until('the backfill to finish', async () => {
      const { body } = await call<{ backfill: BackfillStatus }>(`${generator.url}/status`);
      return body.backfill.state !== 'running' ? body.backfill : undefined;
    });
    expect(done).toMatchObject({
      state: 'completed',
      progress: 1,
      accepted: 360,
      unique_accepted: 360,
      rejected: 0,
    });
    expect(Date.parse(done.to)).toBeLessThanOrEqual(before + 1000);
    expect(Date.parse(done.to) - Date.parse(done.from)).toBe(119 * 60_000);
    expect(await pipeline?.waitForRows(360)).toBe(360);
    expect((await consumerCaughtUp(consumer.url, 360)).inserted).toBe(360);
  });
});
