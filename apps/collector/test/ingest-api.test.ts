import { decodeMessage, HEADERS } from '@weather/contracts/kafka-message';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaApp } from './kafka-app';

// The collector app built around a real Kafka producer (a fresh topic on the test broker), called
// without a port. Every case checks the status, the message, and that the service stays healthy.
let harness: Awaited<ReturnType<typeof kafkaApp>>;
let app: typeof harness.app;
let admin: Admin;
let kafka: Kafka;
let topic: string;

beforeAll(async () => {
  harness = await kafkaApp('collector', { retryAfterSeconds: 5 });
  ({ app, admin, kafka, topic } = harness);
});

afterAll(() => harness.close());

const now = () => new Date(Date.now() - 60_000).toISOString();
const good = (station = 'ST-1') => ({ station_id: station, timestamp: now(), temperature: 12.5 });

async function post(url: string, payload: unknown, contentType = 'application/json') {
  const res = await app.inject({
    method: 'POST',
    url,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    headers: { 'content-type': contentType },
  });
  return {
    status: res.statusCode,
    body: res.json() as Record<string, unknown> & { message: string },
  };
}

describe('POST /weather-data', () => {
  it('answers 202 once Kafka acknowledged the reading, written as one record keyed by its station', async () => {
    const res = await post('/weather-data', {
      ...good('ST-ack'),
      timestamp: '2026-03-01T12:00:00+01:00',
    });
    expect(res).toEqual({
      status: 202,
      body: { status: 'accepted', station_id: 'ST-ack', timestamp: '2026-03-01T11:00:00.000Z' },
    });
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['malformed JSON', '{"station_id": "A",', 400, /JSON/i],
    ['a wrong type', { ...good(), temperature: 'warm' }, 422, /temperature.*number/],
    ['"NaN"', { ...good(), humidity: 'NaN' }, 422, /humidity.*number/],
    [
      'an out-of-range value',
      { ...good(), pressure: 700 },
      422,
      /pressure.*between 850 and 1100 hPa/,
    ],
    [
      'a timestamp without zone',
      { ...good(), timestamp: '2026-01-01T10:00:00' },
      422,
      /timestamp.*offset/,
    ],
    [
      'a timestamp far in the future',
      { ...good(), timestamp: '2099-01-01T00:00:00Z' },
      422,
      /timestamp.*future/,
    ],
    ['a missing station_id', { timestamp: now(), temperature: 1 }, 422, /station_id.*required/],
    [
      'a station id with quotes and a semicolon',
      { ...good(), station_id: `a'";drop` },
      422,
      /station_id/,
    ],
    ['a unicode station id', { ...good(), station_id: 'estación-1' }, 422, /station_id/],
    ['no measurement', { station_id: 'A', timestamp: now() }, 422, /at least one measurement/],
    ['an array instead of an object', [good()], 422, /object/],
  ])('refuses %s with %i and a useful message', async (_name, payload, status, message) => {
    const res = await post('/weather-data', payload);
    expect(res.status).toBe(status);
    expect(res.body.message).toMatch(message);
  });

  it('refuses a wrong content type with 415', async () => {
    const res = await post('/weather-data', 'station_id=A', 'application/x-www-form-urlencoded');
    expect(res.status).toBe(415);
    const plain = await post('/weather-data', JSON.stringify(good()), 'text/plain');
    expect(plain.status).toBe(415);
  });

  it('refuses a 2 MB body with 413', async () => {
    const res = await post('/weather-data', { ...good(), padding: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('payload_too_large');
  });
});

describe('POST /weather-data/batch', () => {
  it('publishes the valid records and reports each invalid one by index', async () => {
    const res = await post('/weather-data/batch', {
      batch_id: 'b-1',
      records: [good('A'), { ...good('B'), humidity: 101 }, good('C'), { station_id: 'D' }, 'junk'],
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'partial',
      batch_id: 'b-1',
      total: 5,
      successful: 2,
      failed: 3,
    });
    const failures = res.body.failures as {
      index: number;
      station_id?: string;
      errors: { path: string; message: string }[];
    }[];
    expect(failures.map((f) => f.index)).toEqual([1, 3, 4]);
    expect(failures[0]).toMatchObject({
      station_id: 'B',
      errors: [{ path: 'humidity', message: 'must be between 0 and 100 %' }],
    });
    expect(failures[1]?.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['timestamp']));
  });

  it('answers completed when all records pass and failed (422) when none does', async () => {
    expect(
      (await post('/weather-data/batch', { records: [good('A'), good('B')] })).body,
    ).toMatchObject({
      status: 'completed',
      successful: 2,
      failed: 0,
      batch_id: null,
    });
    const none = await post('/weather-data/batch', { records: [{ station_id: 'x' }] });
    expect(none.status).toBe(422);
    expect(none.body).toMatchObject({ status: 'failed', successful: 0, failed: 1 });
  });

  it('refuses an empty batch and one of 1,001 records, saying why', async () => {
    const empty = await post('/weather-data/batch', { records: [] });
    expect(empty.status).toBe(422);
    expect(empty.body.message).toMatch(/records.*at least one/);
    const tooMany = await post('/weather-data/batch', {
      records: Array.from({ length: 1001 }, (_, i) => ({ ...good('S'), temperature: i % 60 })),
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.message).toMatch(/records.*at most 1000/);
  });
});

describe('after all that', () => {
  it('is still healthy and ready', async () => {
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/ready' })).json()).toEqual({
      status: 'ready',
      checks: { kafka: 'ok' },
    });
  });

  it('documents every route in its OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/weather-data',
        '/weather-data/batch',
        '/health',
        '/ready',
        '/metrics',
      ]),
    );
    expect(
      doc.paths['/weather-data'].post.requestBody.content['application/json'].schema.properties,
    ).toHaveProperty('temperature');
  });

  it('counts accepted and rejected readings in its metrics', async () => {
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/collector_readings_accepted_total \d+/);
    expect(Number(/collector_readings_rejected_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(5);
  });
});

describe('Kafka headers', () => {
  it('carries the trace from the request traceparent and the source', async () => {
    const consumer = kafka.consumer({ groupId: `${topic}-reader` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const traceId = 'aaaabbbbccccddddeeeeffff00001111';
    await app.inject({
      method: 'POST',
      url: '/weather-data',
      payload: good('ST-trace'),
      headers: { traceparent: `00-${traceId}-1111222233334444-01` },
    });
    const found = await new Promise<{ traceparent: string; source: string; station: string }>(
      (resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            const decoded = decodeMessage(message.value);
            if (decoded.ok && decoded.readings.some((r) => r.station_id === 'ST-trace')) {
              resolve({
                traceparent: String(message.headers?.[HEADERS.traceparent]),
                source: String(message.headers?.[HEADERS.source]),
                station: String(message.key),
              });
            }
          },
        });
      },
    );
    await consumer.disconnect();
    expect(found.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(found.source).toBe('collector');
    expect(found.station).toBe('ST-trace');
  });
});
