import { randomBytes } from 'node:crypto';
import { deadLetterTopic, decodeMessage, HEADERS } from '@weather/contracts/kafka-message';
import { rowsOf } from '@weather/db';
import { partitionFor } from '@weather/kafka';
import {
  createPipeline,
  type Pipeline,
  postBatch,
  type ServiceProcess,
  stats,
  uniqueReadings,
  until,
} from '@weather/test-kit';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PARTITIONS = 6;
const REFUSED = 'ST-REFUSED';
const refusedPartition = partitionFor(REFUSED, PARTITIONS);

interface TopicRecord {
  partition: number;
  offset: string;
  value: Buffer;
  headers: Record<string, string>;
}

let pipeline: Pipeline;
let collector: ServiceProcess;

/** Every record of `topic` (as many as its high watermarks say), read with a fresh group. */
async function readTopic(topic: string): Promise<TopicRecord[]> {
  const offsets = await pipeline.admin.fetchTopicOffsets(topic);
  const expected = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const reader = pipeline.kafka.consumer({ groupId: `reader-${randomBytes(4).toString('hex')}` });
  const records: TopicRecord[] = [];
  await reader.connect();
  try {
    await reader.subscribe({ topic, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ partition, message }) => {
        records.push({
          partition,
          offset: message.offset,
          value: message.value ?? Buffer.alloc(0),
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
          ),
        });
      },
    });
    await until(`${expected} records of ${topic}`, async () => records.length >= expected);
  } finally {
    await reader.disconnect();
  }
  return records;
}

beforeAll(async () => {
  pipeline = await createPipeline('refusals', { partitions: PARTITIONS });
  // The test database refuses one station, the way a real one refuses content it cannot take.
  await pipeline.database.pool.query(`
    create function refuse_station() returns trigger language plpgsql as $$
    begin
      if new.station_id = '${REFUSED}' then
        raise exception 'station % is not accepted', new.station_id;
      end if;
      return new;
    end $$`);
  await pipeline.database.pool.query(
    'create trigger refuse_station before insert on weather_readings for each row execute function refuse_station()',
  );
  collector = await pipeline.collector();
});
afterAll(() => pipeline.close());

describe('readings the database or the decoder refuse', () => {
  it('dead-letters each refused reading with its reason and stores every other reading of the chunk and of the other partitions, exactly once', async () => {
    // Everything is on the topic before the consumer starts, so each partition's records are
    // handled as one chunk: the refused readings share it with hundreds of valid ones.
    const valid = uniqueReadings(3000, 60);
    const refused = [0, 1, 2].map((i) => ({
      station_id: REFUSED,
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      temperature: 4.5,
    }));
    const post = async (readings: unknown[]) => {
      // The collector takes at most 1,000 readings a request.
      for (let i = 0; i < readings.length; i += 900) {
        expect(
          (await postBatch(collector.url, readings.slice(i, i + 900), pipeline.ingestHeaders))
            .status,
        ).toBe(202);
      }
    };
    await post([...valid.slice(0, 700), refused[0], ...valid.slice(700, 1500), refused[1]]);

    // A year-0 reading straight onto the refused station's partition, built by hand: the
    // collector and the codec's encoder would never write it. PostgreSQL cannot store year 0.
    const producer = pipeline.kafka.producer();
    await producer.connect();
    const yearZero = Buffer.from(
      JSON.stringify({
        v: 2,
        received_at: new Date().toISOString(),
        readings: [{ station_id: REFUSED, timestamp: '0000-01-01T00:00:00Z', temperature: 1 }],
      }),
    );
    const [sent] = await producer.send({
      topic: pipeline.topic,
      messages: [
        { partition: refusedPartition, key: REFUSED, value: yearZero, headers: { source: 'test' } },
      ],
    });
    await producer.disconnect();

    await post([...valid.slice(1500, 2200), refused[2], ...valid.slice(2200)]);

    const consumer = await pipeline.consumer();
    const started = Date.now();
    await until('every valid reading stored', async () => (await pipeline.rowCount()) >= 3000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(15_000);
    // The three refused readings were isolated from their chunk, not handled on their own.
    const isolations = consumer.lines.filter((l) =>
      l.msg?.toString().startsWith('the database refused'),
    );
    expect(isolations.map((l) => [l.partition, l.refused, l.code])).toEqual([
      [refusedPartition, 3, 'P0001'],
    ]);
    const final = await until('the consumer to finish the topic', async () => {
      const s = await stats(consumer.url);
      return s.lag.total === 0 && s.dead_lettered >= 4 ? s : undefined;
    });
    expect(await pipeline.rowCount()).toBe(3000);
    const refusedRows = rowsOf<{ n: number }>(
      await pipeline.database.db.execute(
        sql`select count(*)::int as n from weather_readings where station_id = ${REFUSED}`,
      ),
    );
    expect(refusedRows[0]?.n).toBe(0);
    expect(final).toMatchObject({
      received: 3003,
      inserted: 3000,
      dead_lettered: 4,
      dead_lettered_database: 3,
      duplicates_dropped_memory: 0,
      duplicates_dropped_database: 0,
      database_error: null,
    });
    // Every partition committed, and the consumer is ready: nothing is held or retried.
    const ready = await fetch(`${consumer.url}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks.ingestion).toBe(
      'ok',
    );

    const letters = await readTopic(deadLetterTopic(pipeline.topic));
    expect(letters).toHaveLength(4);
    const origins = new Map<string, TopicRecord>(
      (await readTopic(pipeline.topic)).map((r) => [`${r.partition}/${r.offset}`, r]),
    );

    const zero = letters.filter((l) => l.value.equals(yearZero));
    expect(zero).toHaveLength(1);
    expect(zero[0]?.headers).toMatchObject({
      [HEADERS.dlqTopic]: pipeline.topic,
      [HEADERS.dlqPartition]: String(refusedPartition),
      [HEADERS.dlqOffset]: sent?.baseOffset,
      [HEADERS.source]: 'test',
    });
    expect(zero[0]?.headers[HEADERS.dlqError]).toBe(
      'reading 0: timestamp is before 1900-01-01T00:00:00Z',
    );

    const byDatabase = letters.filter((l) => !l.value.equals(yearZero));
    expect(byDatabase).toHaveLength(3);
    const replay: string[] = [];
    for (const letter of byDatabase) {
      expect(letter.headers).toMatchObject({
        [HEADERS.dlqError]:
          'database refused the reading: station ST-REFUSED is not accepted (SQLSTATE P0001)',
        [HEADERS.dlqTopic]: pipeline.topic,
        [HEADERS.dlqPartition]: String(refusedPartition),
        [HEADERS.source]: 'collector',
      });
      expect(letter.headers[HEADERS.traceparent]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      // A decodable record of exactly the one reading, which its original record carried.
      const decoded = decodeMessage(letter.value);
      if (!decoded.ok) throw new Error(decoded.error);
      expect(decoded.readings).toHaveLength(1);
      const reading = decoded.readings[0];
      expect(reading).toMatchObject({ station_id: REFUSED, temperature: 4.5 });
      const origin = origins.get(
        `${letter.headers[HEADERS.dlqPartition]}/${letter.headers[HEADERS.dlqOffset]}`,
      );
      const carried = decodeMessage(origin?.value ?? null);
      expect(carried.ok && carried.readings.some((r) => r.timestamp === reading?.timestamp)).toBe(
        true,
      );
      replay.push(reading?.timestamp ?? '');
    }
    expect(replay.sort()).toEqual(refused.map((r) => r.timestamp));

    // Once the database accepts the station, the dead letters replay as they are.
    await pipeline.database.pool.query('drop trigger refuse_station on weather_readings');
    const again = pipeline.kafka.producer();
    await again.connect();
    await again.send({
      topic: pipeline.topic,
      messages: byDatabase.map((l) => ({
        partition: refusedPartition,
        key: REFUSED,
        value: l.value,
      })),
    });
    await again.disconnect();
    expect(await pipeline.waitForRows(3003, 30_000)).toBe(3003);
    expect((await stats(consumer.url)).dead_lettered).toBe(4);
  });
});
