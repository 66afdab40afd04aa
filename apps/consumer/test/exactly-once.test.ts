import {
  createPipeline,
  type Pipeline,
  postBatch,
  stats,
  uniqueReadings,
  until,
} from '@weather/test-kit';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';

type Reading = ReturnType<typeof uniqueReadings>[number];

/**
 * 10,000 unique readings over 50 stations, sent in batches of 100 with 20% duplicates mixed in:
 * half repeated inside the same batch, half re-sent in a later batch. Returns the batches and
 * how many duplicates they hold.
 */
function workload() {
  const unique = uniqueReadings(10_000, 50);
  const batches: Reading[][] = [];
  let duplicates = 0;
  for (let i = 0; i < unique.length; i += 100) {
    const batch = unique.slice(i, i + 100);
    const within = batch.slice(0, 10);
    const across = i >= 100 ? unique.slice(i - 100, i - 90) : batch.slice(10, 20);
    duplicates += within.length + across.length;
    batches.push([...batch, ...within, ...across]);
  }
  return { unique, batches, duplicates };
}

/** Posts batches in order, a few at a time; `during` runs once `afterBatches` were accepted. */
async function send(
  collectorUrl: string,
  batches: Reading[][],
  during?: { afterBatches: number; run: () => Promise<void> },
) {
  let accepted = 0;
  for (const [index, batch] of batches.entries()) {
    if (during && index === during.afterBatches) await during.run();
    const res = await postBatch(collectorUrl, batch, pipeline?.ingestHeaders);
    expect(res.status).toBe(202);
    accepted += batch.length;
  }
  return accepted;
}

let pipeline: Pipeline | undefined;
afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
});

describe('exactly-once storage through the real collector, Kafka and consumer', () => {
  it('stores 10,000 unique readings once despite 20% duplicates, and accounts for each duplicate', async () => {
    pipeline = await createPipeline('dupes');
    const collector = await pipeline.collector();
    const consumer = await pipeline.consumer();
    const { unique, batches, duplicates } = workload();

    const sent = await send(collector.url, batches);
    expect(await pipeline.waitForRows(10_000)).toBe(10_000);

    // Re-send 1,000 readings that are already stored: the in-memory keys catch them.
    await postBatch(collector.url, unique.slice(0, 1000), pipeline.ingestHeaders);
    const total = sent + 1000;
    const final = await until('the consumer to see every reading', async () => {
      const s = await stats(consumer.url);
      return s.received >= total && s.lag.total === 0 ? s : undefined;
    });
    expect(await pipeline.rowCount()).toBe(10_000);
    expect(final.inserted).toBe(10_000);
    // Producer retries may add copies on the wire; every copy received is accounted for.
    expect(final.duplicates_dropped_memory + final.duplicates_dropped_database).toBe(
      final.received - 10_000,
    );
    expect(final.received - 10_000).toBeGreaterThanOrEqual(duplicates + 1000);
    expect(final.dead_lettered).toBe(0);
  });

  it('loses nothing and doubles nothing when the consumer is killed with SIGKILL mid-stream', async () => {
    pipeline = await createPipeline('sigkill');
    const collector = await pipeline.collector();
    let consumer = await pipeline.consumer({ CONSUMER_CHUNK_SIZE: '50' });
    const p = pipeline;
    await send(collector.url, workload().batches, {
      afterBatches: 40,
      run: async () => {
        await until('some rows stored', async () => (await p.rowCount()) > 0);
        expect(await consumer.stop('SIGKILL')).toBeNull();
        consumer = await p.consumer({ CONSUMER_CHUNK_SIZE: '50' });
      },
    });
    expect(await pipeline.waitForRows(10_000)).toBe(10_000);
  });

  it('keeps exactly 10,000 rows through rebalances when one of two consumers stops and returns', async () => {
    pipeline = await createPipeline('rebalance');
    const collector = await pipeline.collector();
    const first = await pipeline.consumer({ CONSUMER_CHUNK_SIZE: '50' });
    let second = await pipeline.consumer({ CONSUMER_CHUNK_SIZE: '50' });
    const p = pipeline;
    const { batches } = workload();
    await send(collector.url, batches.slice(0, 60), {
      afterBatches: 30,
      run: async () => {
        expect(await second.stop('SIGTERM')).toBe(0);
      },
    });
    second = await p.consumer({ CONSUMER_CHUNK_SIZE: '50' });
    await send(collector.url, batches.slice(60));
    expect(await pipeline.waitForRows(10_000)).toBe(10_000);
    const [a, b] = await Promise.all([stats(first.url), stats(second.url)]);
    expect(a.inserted + b.inserted).toBeLessThanOrEqual(10_000);
  });

  it('holds on while PostgreSQL refuses connections for 10 s, then resumes by itself', async () => {
    pipeline = await createPipeline('db-outage');
    const collector = await pipeline.collector();
    const consumer = await pipeline.consumer({ CONSUMER_CHUNK_SIZE: '100' });
    const admin = new pg.Client({
      connectionString:
        process.env.DATABASE_URL ?? 'postgres://weather:weather@127.0.0.1:5432/weather_test',
    });
    await admin.connect();
    const name = pipeline.database.name;
    const p = pipeline;
    try {
      await send(collector.url, workload().batches, {
        afterBatches: 30,
        run: async () => {
          await until('some rows stored', async () => (await p.rowCount()) > 0);
          await admin.query(`alter database "${name}" allow_connections false`);
          await admin.query(
            'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1',
            [name],
          );
          setTimeout(() => {
            void admin.query(`alter database "${name}" allow_connections true`);
          }, 10_000);
        },
      });
      await until('the consumer to report the outage', async () => {
        const s = (await (await fetch(`${consumer.url}/stats`)).json()) as {
          database_retries: number;
        };
        return s.database_retries > 0;
      });
      expect(await pipeline.waitForRows(10_000, 120_000)).toBe(10_000);
      expect(
        consumer.lines.some((l) => l.msg === 'database reachable again; ingestion resumed'),
      ).toBe(true);
    } finally {
      await admin.query(`alter database "${name}" allow_connections true`);
      await admin.end();
    }
  });
});
