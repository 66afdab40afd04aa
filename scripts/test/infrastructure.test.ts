import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

// `npm test` starts (or reuses) the services and passes their addresses in these variables.
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const databaseUrl =
  process.env.DATABASE_URL ?? 'postgres://weather:weather@127.0.0.1:5432/weather_test';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('Kafka', () => {
  const kafka = new Kafka({ clientId: 'smoke-test', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const topic = `smoke-${randomUUID()}`;

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it('creates a fresh topic, then produces and consumes a message through a group', async () => {
    await admin.connect();
    expect(
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true }),
    ).toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: 'station-1', value: 'hello', headers: { source: 'smoke' } }],
    });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `smoke-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key: string; value: string; source: string }>(
      (resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) =>
            resolve({
              key: String(message.key),
              value: String(message.value),
              source: String(message.headers?.source),
            }),
        });
      },
    );
    await consumer.disconnect();
    expect(received).toEqual({ key: 'station-1', value: 'hello', source: 'smoke' });
  });
});

describe('PostgreSQL', () => {
  it('round-trips a row through a temporary table', async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query('create temporary table smoke (id int primary key, at timestamptz)');
      await client.query('insert into smoke values ($1, $2)', [1, '2026-01-02T03:04:05Z']);
      const { rows } = await client.query<{ id: number; at: Date }>('select id, at from smoke');
      expect(rows).toHaveLength(1);
      expect(rows[0]?.id).toBe(1);
      expect(rows[0]?.at.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    } finally {
      await client.end();
    }
  });
});

describe('Redis', () => {
  it('round-trips a value', async () => {
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const key = `smoke:${randomUUID()}`;
    try {
      await redis.set(key, 'hello', 'EX', 60);
      expect(await redis.get(key)).toBe('hello');
    } finally {
      await redis.del(key);
      redis.disconnect();
    }
  });
});
