import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rowsOf } from '@weather/db';
import { ensureKafka } from '@weather/scripts/kafka';
import {
  createPipeline,
  freePort,
  type Pipeline,
  postBatch,
  type ServiceProcess,
  uniqueReadings,
  until,
} from '@weather/test-kit';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// This test stops its broker, so it runs its own: a second real Kafka with its own data folder,
// leaving the shared broker to the other tests.
const root = path.resolve(import.meta.dirname, '../../..');
let dataDir: string;
let broker: Awaited<ReturnType<typeof ensureKafka>>;
let address: string;
let pipeline: Pipeline;
let collector: ServiceProcess;

const startBroker = () => ensureKafka({ brokers: address, rootDir: root, dataDir, log: () => {} });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'kafka-outage-'));
  address = `127.0.0.1:${await freePort()}`;
  broker = await startBroker();
  pipeline = await createPipeline('kafka-outage', { kafkaBrokers: address });
  collector = await pipeline.collector({ COLLECTOR_LINGER_MS: '2' });
  await pipeline.consumer();
}, 180_000);

afterAll(async () => {
  await pipeline?.close();
  await broker?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('Kafka outage', () => {
  it('answers 503 with Retry-After while Kafka is down, accepts again after, and stores every reading it accepted', async () => {
    const all = uniqueReadings(3000, 10);
    const accepted: typeof all = [];
    let next = 0;
    const sendOne = async () => {
      const batch = all.slice(next, next + 50);
      next += 50;
      const res = await postBatch(collector.url, batch, pipeline.ingestHeaders);
      if (res.status === 202) accepted.push(...batch);
      return res;
    };

    for (let i = 0; i < 5; i++) expect((await sendOne()).status).toBe(202);

    await broker.stop();
    const refused = await until('a 503 while Kafka is down', async () => {
      const res = await fetch(`${collector.url}/weather-data`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...pipeline.ingestHeaders },
        body: JSON.stringify(all[next++]),
      });
      return res.status === 503 ? res : undefined;
    });
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(((await refused.json()) as { error: string }).error).toBe('kafka_unavailable');
    const ready = await fetch(`${collector.url}/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: { kafka: string } }).checks.kafka).not.toBe('ok');
    expect((await sendOne()).status).toBe(503);

    broker = await startBroker();
    await until(
      'the collector to accept again',
      async () => (await sendOne()).status === 202,
      90_000,
    );
    for (let i = 0; i < 5; i++) expect((await sendOne()).status).toBe(202);
    expect((await fetch(`${collector.url}/ready`)).status).toBe(200);

    // Every reading that got a 2xx is stored, exactly once (the primary key forbids more).
    await until(
      'every accepted reading stored',
      async () => (await pipeline.rowCount()) >= accepted.length,
      90_000,
    );
    const stored = rowsOf<{ station_id: string; ts: Date | string }>(
      await pipeline.database.db.execute(sql`select station_id, ts from weather_readings`),
    );
    const keys = new Set(stored.map((r) => `${r.station_id}|${new Date(r.ts).toISOString()}`));
    const missing = accepted.filter((r) => !keys.has(`${r.station_id}|${r.timestamp}`));
    expect(missing).toEqual([]);
  });
});
