import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from './kafka-message';
import { readingSchema } from './reading';

const receivedAt = new Date('2026-06-01T12:00:00.000Z');
const readings = [
  { station_id: 'ST-1', timestamp: '2026-06-01T11:00:00Z', temperature: 20, humidity: 50 },
  { station_id: 'ST-1', timestamp: '2026-06-01T11:01:00Z', pressure: 1013.2 },
].map((r) => readingSchema(() => receivedAt.getTime()).parse(r));

describe('Kafka message codec', () => {
  it('round-trips the readings of one station', () => {
    const decoded = decodeMessage(encodeMessage('ST-1', receivedAt, readings));
    expect(decoded).toEqual({ ok: true, stationId: 'ST-1', receivedAt, readings });
  });

  it('stores the station id once, in the envelope', () => {
    const json = JSON.parse(encodeMessage('ST-1', receivedAt, readings).toString());
    expect(json).toMatchObject({ v: 1, station_id: 'ST-1', received_at: receivedAt.toISOString() });
    expect(json.readings[0]).not.toHaveProperty('station_id');
  });

  it.each([
    ['an empty record', null, /empty/],
    ['bytes that are not JSON', Buffer.from('{oops'), /not JSON/],
    [
      'an unknown version',
      Buffer.from('{"v":99,"station_id":"A","received_at":"2026-06-01T12:00:00Z","readings":[{}]}'),
      /version/,
    ],
    [
      'an out-of-range reading',
      Buffer.from(
        '{"v":1,"station_id":"A","received_at":"2026-06-01T12:00:00Z","readings":[{"timestamp":"2026-06-01T11:00:00Z","humidity":140}]}',
      ),
      /reading 0: humidity must be between 0 and 100/,
    ],
    [
      'a reading far ahead of its arrival',
      Buffer.from(
        '{"v":1,"station_id":"A","received_at":"2026-06-01T12:00:00Z","readings":[{"timestamp":"2026-06-01T13:00:00Z","humidity":40}]}',
      ),
      /future/,
    ],
  ])('rejects %s with a reason', (_name, value, reason) => {
    const decoded = decodeMessage(value);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error).toMatch(reason);
  });
});
