import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaApp } from './kafka-app';

// What an attacker or a careless client sends, against the app around a real Kafka producer:
// every answer is the JSON error shape with the right status, and valid readings still go in.
let collector: Awaited<ReturnType<typeof kafkaApp>>;

beforeAll(async () => {
  collector = await kafkaApp('hostile');
});

afterAll(async () => {
  await collector.close();
});

const now = () => new Date(Date.now() - 60_000).toISOString();
const good = (station = 'ST-1') => ({ station_id: station, timestamp: now(), temperature: 12.5 });

async function post(url: string, payload: string | Buffer, headers: Record<string, string> = {}) {
  const res = await collector.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: res.statusCode, headers: res.headers, body: res.json() };
}

/** The topic's message count, to tell whether anything was written. */
async function written() {
  const offsets = await collector.admin.fetchTopicOffsets(collector.topic);
  return offsets.reduce((n, p) => n + Number(p.high), 0);
}

describe('timestamps PostgreSQL cannot store', () => {
  it.each([
    ['year 0', '0000-01-01T00:00:00Z'],
    ['year 1 at +14:00 (year 0 in UTC)', '0001-01-01T00:00:00+14:00'],
    ['the day before 1900', '1899-12-31T23:59:59Z'],
  ])('refuses %s with 422 naming timestamp, writing nothing', async (_name, timestamp) => {
    const before = await written();
    const res = await post('/weather-data', JSON.stringify({ ...good(), timestamp }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      error: 'validation_failed',
      details: [{ path: 'timestamp', message: 'is before 1900-01-01T00:00:00Z' }],
    });
    expect(res.body.message).toMatch(/timestamp.*before 1900-01-01/);
    expect(await written()).toBe(before);
  });

  it('reports such readings of a batch per record and publishes the others', async () => {
    const res = await post(
      '/weather-data/batch',
      JSON.stringify({
        records: [
          { ...good('Y0'), timestamp: '0000-01-01T00:00:00Z' },
          good('OK-1'),
          { ...good('Y1'), timestamp: '0001-01-01T00:00:00+14:00' },
        ],
      }),
    );
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'partial', total: 3, successful: 1, failed: 2 });
    expect(res.body.failures).toEqual([
      {
        index: 0,
        station_id: 'Y0',
        reason: 'invalid',
        errors: [{ path: 'timestamp', message: 'is before 1900-01-01T00:00:00Z' }],
      },
      {
        index: 2,
        station_id: 'Y1',
        reason: 'invalid',
        errors: [{ path: 'timestamp', message: 'is before 1900-01-01T00:00:00Z' }],
      },
    ]);
  });
});

describe('hostile bodies', () => {
  it('takes a reading with __proto__ and constructor keys like any other, polluting nothing', async () => {
    const reading = JSON.stringify(good('ST-proto')).replace(
      /}$/,
      ',"__proto__":{"station_id":"EVIL","polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    const res = await post('/weather-data', reading);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'accepted', station_id: 'ST-proto' });
    const batch = await post('/weather-data/batch', `{"records":[${reading}],"__proto__":{"x":1}}`);
    expect(batch.status).toBe(202);
    expect(batch.body).toMatchObject({ status: 'completed', successful: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts gzip- and br-encoded batches, limits the decoded size, refuses unknown encodings', async () => {
    const body = JSON.stringify({ records: [good('GZ-1'), good('GZ-2')] });
    const gzip = await post('/weather-data/batch', gzipSync(body), { 'content-encoding': 'gzip' });
    expect(gzip.status).toBe(202);
    expect(gzip.body).toMatchObject({ status: 'completed', successful: 2 });
    const br = await post('/weather-data/batch', brotliCompressSync(body), {
      'content-encoding': 'br',
    });
    expect(br.status).toBe(202);

    const bomb = await post('/weather-data/batch', gzipSync(Buffer.alloc(2 * 1024 * 1024)), {
      'content-encoding': 'gzip',
    });
    expect(bomb.status).toBe(413);
    expect(bomb.body.error).toBe('payload_too_large');
    const zstd = await post('/weather-data', JSON.stringify(good()), {
      'content-encoding': 'zstd',
    });
    expect(zstd.status).toBe(415);
    expect(zstd.body.message).toMatch(/zstd.*not supported/);
    const garbled = await post('/weather-data', JSON.stringify(good()), {
      'content-encoding': 'gzip',
    });
    expect(garbled.status).toBe(400);
    expect(garbled.body.error).toBe('malformed_body');
  });
});

describe('hostile URLs and methods', () => {
  it('answers a wrong method with 405 and Allow, a malformed URL with 400, JSON each time', async () => {
    const wrong = await collector.app.inject({ method: 'GET', url: '/weather-data/batch' });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
    expect(wrong.json()).toMatchObject({ error: 'method_not_allowed' });
    for (const url of ['/weather-data/%ZZ', '/weather-data?x=%E0%A4%A', '/%C0%AF']) {
      const res = await collector.app.inject({ method: 'POST', url, payload: good() });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        error: 'malformed_url',
        message: expect.stringMatching(/^Malformed URL/),
      });
    }
  });

  it('is still healthy, ready and taking readings afterwards', async () => {
    expect((await collector.app.inject('/health')).statusCode).toBe(200);
    expect((await collector.app.inject('/ready')).json()).toEqual({
      status: 'ready',
      checks: { kafka: 'ok' },
    });
    expect((await post('/weather-data', JSON.stringify(good('ST-after')))).status).toBe(202);
  });
});
