import { type Reading, readingSchema } from '@weather/core/reading';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from './kafka-message';

const receivedAt = new Date('2026-06-01T12:00:00.000Z');
const readings = [
  { station_id: 'ST-1', timestamp: '2026-06-01T11:00:00Z', temperature: 20, humidity: 50 },
  { station_id: 'ST-1', timestamp: '2026-06-01T11:01:00Z', pressure: 1013.2 },
].map((r) => readingSchema(() => receivedAt.getTime()).parse(r));

describe('Kafka message codec', () => {
  it('round-trips the readings of a request, station ids included', () => {
    const mixed = [...readings, { ...(readings[0] as Reading), station_id: 'ST-2' }];
    const decoded = decodeMessage(encodeMessage(receivedAt, mixed));
    expect(decoded).toEqual({ ok: true, receivedAt, readings: mixed });
    const json = JSON.parse(encodeMessage(receivedAt, mixed).toString());
    expect(json).toMatchObject({ v: 3, received_at: receivedAt.toISOString() });
  });

  it('carries ingest extras: QC flags, the rain counter kind and a protocol upload', () => {
    const withExtras = {
      ...(readings[0] as Reading),
      temperature: null,
      rain_counter: 12.7,
      rain_counter_kind: 'daily' as const,
      qc: { temperature: ['range' as const] },
      raw: {
        protocol: 'ecowitt' as const,
        fields: { tempf: '999', dailyrainin: '0.5', stationtype: 'GW2000A_V3.1.0' },
        dropped: { tempf: 'out of range' },
      },
    };
    expect(decodeMessage(encodeMessage(receivedAt, [withExtras]))).toEqual({
      ok: true,
      receivedAt,
      readings: [withExtras],
    });
  });

  it('still decodes version 2 records (no extras)', () => {
    const v2 = Buffer.from(
      JSON.stringify({ v: 2, received_at: receivedAt.toISOString(), readings }),
    );
    expect(decodeMessage(v2)).toEqual({ ok: true, receivedAt, readings });
  });

  it('still decodes version 1 records (one station, its id in the envelope)', () => {
    const v1 = Buffer.from(
      JSON.stringify({
        v: 1,
        station_id: 'ST-1',
        received_at: receivedAt.toISOString(),
        readings: readings.map(({ station_id: _id, ...rest }) => rest),
      }),
    );
    expect(decodeMessage(v1)).toEqual({ ok: true, receivedAt, readings });
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
      'a version 1 record without its station',
      Buffer.from(
        '{"v":1,"received_at":"2026-06-01T12:00:00Z","readings":[{"timestamp":"2026-06-01T11:00:00Z","humidity":40}]}',
      ),
      /station_id is required/,
    ],
    [
      'a version 2 reading without a station',
      Buffer.from(
        '{"v":2,"received_at":"2026-06-01T12:00:00Z","readings":[{"timestamp":"2026-06-01T11:00:00Z","humidity":40}]}',
      ),
      /reading 0: station_id is required/,
    ],
    [
      'a version 3 reading with an unknown QC code',
      Buffer.from(
        '{"v":3,"received_at":"2026-06-01T12:00:00Z","readings":[{"station_id":"A","timestamp":"2026-06-01T11:00:00Z","humidity":40,"qc":{"humidity":["bogus"]}}]}',
      ),
      /reading 0: qc.humidity.0/,
    ],
    [
      'a version 3 reading whose raw upload names no protocol',
      Buffer.from(
        '{"v":3,"received_at":"2026-06-01T12:00:00Z","readings":[{"station_id":"A","timestamp":"2026-06-01T11:00:00Z","humidity":40,"raw":{"fields":{}}}]}',
      ),
      /reading 0: raw.protocol/,
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
