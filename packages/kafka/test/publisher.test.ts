import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from '@weather/core/logger';
import type { Admin, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchingPublisher, createKafka, createProducer, ensureTopics } from '../src';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const logger = createLogger({
  service: 'test',
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});
const kafka = createKafka({ clientId: 'publisher-test', brokers, logger });
const topic = `publisher-test-${randomBytes(4).toString('hex')}`;
let admin: Admin;
let producer: Producer;
let sends = 0;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic, partitions: 3 }], logger);
  producer = createProducer(kafka);
  await producer.connect();
  // Count produce requests on the real producer.
  const send = producer.send.bind(producer);
  producer.send = (record) => {
    sends++;
    return send(record);
  };
});

afterAll(async () => {
  await producer.disconnect();
  await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
  await admin.disconnect();
});

const totalOnTopic = async () =>
  (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);

describe('BatchingPublisher', () => {
  it('coalesces many concurrent callers into few produce requests, resolving each once acknowledged', async () => {
    const publisher = new BatchingPublisher(producer, {
      topic,
      lingerMs: 20,
      maxBatchRecords: 1000,
      maxInFlight: 2,
      logger,
    });
    sends = 0;
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        publisher.publish([{ key: `S${i % 7}`, value: `v${i}` }]),
      ),
    );
    expect(await totalOnTopic()).toBe(300);
    expect(sends).toBeGreaterThan(0);
    expect(sends).toBeLessThanOrEqual(3);
  });

  it('sends at once when a batch is full, splitting between whole callers', async () => {
    const publisher = new BatchingPublisher(producer, {
      topic,
      lingerMs: 10_000,
      maxBatchRecords: 50,
      maxInFlight: 4,
      logger,
    });
    sends = 0;
    const before = await totalOnTopic();
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        publisher.publish(
          Array.from({ length: 25 }, (_, j) => ({ key: `S${i}`, value: `${i}-${j}` })),
        ),
      ),
    );
    // Full batches never waited for the 10 s linger.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await totalOnTopic()).toBe(before + 250);
    expect(sends).toBe(5);
  });

  it('keeps each partition of a produce request under the broker limit, so large callers are all acknowledged', async () => {
    // Twelve callers of ~200 KB for one partition, queued behind one request in flight: packed
    // into one produce request that would be ~2.4 MB for partition 0, which the broker refuses
    // whole (message.max.bytes is 1 MiB).
    const publisher = new BatchingPublisher(producer, {
      topic,
      lingerMs: 20,
      maxBatchRecords: 1000,
      maxInFlight: 1,
      logger,
    });
    sends = 0;
    const before = await totalOnTopic();
    const value = 'x'.repeat(200 * 1024);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        publisher.publish([{ key: `L${i}`, partition: 0, value }]),
      ),
    );
    expect(await totalOnTopic()).toBe(before + 12);
    // At most three 200 KB records per request fit under the 768 KiB default.
    expect(sends).toBeGreaterThanOrEqual(4);
  });

  it('drain() sends what is queued and waits for it', async () => {
    const publisher = new BatchingPublisher(producer, {
      topic,
      lingerMs: 60_000,
      maxBatchRecords: 1000,
      maxInFlight: 1,
      logger,
    });
    const before = await totalOnTopic();
    const pending = publisher.publish([{ key: 'S', value: 'late' }]);
    await publisher.drain();
    await pending;
    expect(await totalOnTopic()).toBe(before + 1);
  });
});
