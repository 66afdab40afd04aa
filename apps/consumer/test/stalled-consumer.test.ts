import {
  baseDatabaseUrl,
  createPipeline,
  type Pipeline,
  postBatch,
  type ServiceProcess,
  stats,
  uniqueReadings,
  until,
} from '@weather/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const STALL_AFTER_MS = 4000;

let pipeline: Pipeline;
let collector: ServiceProcess;
let consumer: ServiceProcess;
let admin: pg.Client;

beforeAll(async () => {
  pipeline = await createPipeline('stall', { partitions: 3 });
  collector = await pipeline.collector();
  consumer = await pipeline.consumer({
    CONSUMER_STALL_AFTER_MS: String(STALL_AFTER_MS),
    CONSUMER_CHUNK_SIZE: '50',
  });
  admin = new pg.Client({ connectionString: baseDatabaseUrl });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await pipeline?.close();
});

/**
 * Puts the database in or out of read-only mode, as after a failover to a replica: reads
 * answer, every write is refused (SQLSTATE 25006). Sessions pick the default up when they
 * connect, so the existing ones are ended.
 */
async function readOnly(on: boolean) {
  const name = pipeline.database.name;
  await admin.query(
    on
      ? `alter database "${name}" set default_transaction_read_only = on`
      : `alter database "${name}" reset default_transaction_read_only`,
  );
  await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [
    name,
  ]);
}

async function ready() {
  const res = await fetch(`${consumer.url}/ready`);
  return {
    status: res.status,
    checks: ((await res.json()) as { checks: Record<string, string> }).checks,
  };
}

async function metric(name: string) {
  const text = await (await fetch(`${consumer.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

describe('a consumer that cannot commit', () => {
  it('reports not ready with the reason once records wait longer than CONSUMER_STALL_AFTER_MS, and ready again after, with every reading stored once', async () => {
    const readings = uniqueReadings(600, 12);
    expect(
      (await postBatch(collector.url, readings.slice(0, 300), pipeline.ingestHeaders)).status,
    ).toBe(202);
    expect(await pipeline.waitForRows(300)).toBe(300);

    // Idle with nothing to do is not stalled, however old the last commit.
    await until(
      'the last commit to be older than the limit',
      async () => ((await stats(consumer.url)).last_commit_age_s ?? 0) > STALL_AFTER_MS / 1000 + 1,
    );
    expect(await ready()).toMatchObject({ status: 200, checks: { ingestion: 'ok' } });
    expect(await metric('consumer_stalled')).toBe(0);

    await readOnly(true);
    try {
      expect(
        (await postBatch(collector.url, readings.slice(300), pipeline.ingestHeaders)).status,
      ).toBe(202);
      const stalled = await until('/ready to answer 503', async () => {
        const r = await ready();
        return r.status === 503 ? r : undefined;
      });
      // Only ingestion fails: the database answers reads and Kafka is up.
      expect(stalled.checks).toMatchObject({ database: 'ok', kafka: 'ok' });
      const reason = stalled.checks.ingestion ?? '';
      const match = reason.match(
        /^no commit for (\d+) s while ([\d,]+) records wait \(partitions? [\d, ]+\); last database error: cannot execute \w+ in a read-only transaction \(SQLSTATE 25006\)$/,
      );
      expect(match, reason).not.toBeNull();
      expect(Number(match?.[1])).toBeGreaterThanOrEqual(STALL_AFTER_MS / 1000);
      expect(Number(match?.[2]?.replace(/,/g, ''))).toBeGreaterThan(0);

      const during = await stats(consumer.url);
      // The statement is a data-modifying CTE: PostgreSQL names its top level, SELECT.
      expect(during.database_error).toBe(
        'cannot execute SELECT in a read-only transaction (SQLSTATE 25006)',
      );
      expect(during.last_commit_age_s).toBeGreaterThanOrEqual(STALL_AFTER_MS / 1000);
      expect(await metric('consumer_last_commit_age_seconds')).toBeGreaterThanOrEqual(
        STALL_AFTER_MS / 1000,
      );
      expect(await metric('consumer_stalled')).toBe(1);
      expect(await pipeline.rowCount()).toBe(300);
    } finally {
      await readOnly(false);
    }

    await until('/ready to answer 200 again', async () => (await ready()).status === 200, 60_000);
    expect(await pipeline.waitForRows(600)).toBe(600);
    const after = await stats(consumer.url);
    expect(after).toMatchObject({ inserted: 600, dead_lettered: 0, database_error: null });
    expect(after.last_commit_age_s).toBeLessThan(STALL_AFTER_MS / 1000);
    expect(await metric('consumer_stalled')).toBe(0);
  });
});
