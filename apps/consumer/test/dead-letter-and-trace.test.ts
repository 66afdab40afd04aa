import { deadLetterTopic, HEADERS } from '@weather/contracts/kafka-message';
import { redisKeys } from '@weather/contracts/redis-keys';
import {
  createPipeline,
  type Pipeline,
  postBatch,
  redisUrl,
  type ServiceProcess,
  stats,
  uniqueReadings,
  until,
} from '@weather/test-kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let pipeline: Pipeline;
let collector: ServiceProcess;
let consumer: ServiceProcess;

beforeAll(async () => {
  pipeline = await createPipeline('dlq', { partitions: 1 });
  collector = await pipeline.collector();
  consumer = await pipeline.consumer();
});
afterAll(() => pipeline.close());

describe('the consumer with bad records, traces and live updates', () => {
  it('dead-letters a poison record with its error and origin, and the partition keeps flowing', async () => {
    const producer = pipeline.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: pipeline.topic,
      messages: [
        { key: 'ST-poison', value: 'this is not JSON', headers: { [HEADERS.source]: 'test' } },
        {
          key: 'ST-poison',
          value: JSON.stringify({
            v: 1,
            station_id: 'ST-poison',
            received_at: new Date().toISOString(),
            readings: [{ timestamp: new Date().toISOString(), humidity: 250 }],
          }),
        },
      ],
    });
    await producer.disconnect();
    expect(
      (await postBatch(collector.url, uniqueReadings(20, 2), pipeline.ingestHeaders)).status,
    ).toBe(202);
    expect(await pipeline.waitForRows(20)).toBe(20);

    const dlq = pipeline.kafka.consumer({ groupId: `dlq-reader-${pipeline.topic}` });
    await dlq.connect();
    await dlq.subscribe({ topic: deadLetterTopic(pipeline.topic), fromBeginning: true });
    const letters: { value: string; headers: Record<string, string> }[] = [];
    await dlq.run({
      eachMessage: async ({ message }) => {
        letters.push({
          value: String(message.value),
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
          ),
        });
      },
    });
    await until('two dead letters', async () => letters.length >= 2);
    await dlq.disconnect();

    expect(letters[0]?.value).toBe('this is not JSON');
    expect(letters[0]?.headers).toMatchObject({
      [HEADERS.dlqTopic]: pipeline.topic,
      [HEADERS.dlqPartition]: '0',
      [HEADERS.dlqOffset]: '0',
      [HEADERS.source]: 'test',
    });
    expect(letters[0]?.headers[HEADERS.dlqError]).toMatch(/not JSON/);
    expect(letters[1]?.headers[HEADERS.dlqError]).toMatch(/humidity must be between 0 and 100/);
    expect((await stats(consumer.url)).dead_lettered).toBe(2);
  });

  it("logs the reading's storage under the trace id the station sent", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await postBatch(collector.url, uniqueReadings(1, 1, Date.UTC(2026, 1, 1)), {
      ...pipeline.ingestHeaders,
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    expect(res.status).toBe(202);
    const line = await until('a consumer log line with the trace id', async () =>
      consumer.lines.find((l) => l.trace_id === traceId),
    );
    expect(line).toMatchObject({ service: 'consumer', level: 'info', stations: ['ST-000'] });
    expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect((line.dd as { trace_id: string }).trace_id).toBe(
      BigInt('0xa3ce929d0e0e4736').toString(),
    );
  });

  it('bumps the station cache version and publishes the newest reading after each commit', async () => {
    const redis = new Redis(redisUrl);
    const subscriber = new Redis(redisUrl);
    try {
      const station = 'ST-live-1';
      const before = Number((await redis.get(redisKeys.stationVersion(station))) ?? 0);
      const updates: Record<string, unknown>[] = [];
      await subscriber.subscribe(redisKeys.liveChannel);
      subscriber.on('message', (_channel, message) => updates.push(JSON.parse(message)));
      const readings = [0, 1, 2].map((m) => ({
        station_id: station,
        timestamp: new Date(Date.UTC(2026, 2, 1, 0, m)).toISOString(),
        temperature: 5 + m,
      }));
      expect((await postBatch(collector.url, readings, pipeline.ingestHeaders)).status).toBe(202);
      const update = await until('a live update', async () =>
        updates.find((u) => u.station_id === station),
      );
      expect(update).toMatchObject({ timestamp: '2026-03-01T00:02:00.000Z', readings: 3 });
      expect(Number(await redis.get(redisKeys.stationVersion(station)))).toBeGreaterThan(before);
    } finally {
      subscriber.disconnect();
      redis.disconnect();
    }
  });
});
