import { ABSENT_MEASUREMENTS } from '@weather/core/reading';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Database,
  getAggregate,
  getTimeseries,
  type Interval,
  insertReadings,
  listReadings,
} from '../src';
import { backends, reading } from './query-helpers';

const at = (time: string) => `2026-03-02T${time}Z`;
const day = { start: new Date(at('00:00:00.000')), end: new Date('2026-03-03T00:00:00.000Z') };
const received = '2026-03-03T01:00:00.000Z';

/** Station S1, hand-computed below; S2 shares every timestamp with other values; S3 is calm. */
const s1 = [
  reading(
    'S1',
    at('00:00:00.000'),
    {
      temperature: 10,
      humidity: 50,
      wind_speed: 2,
      wind_direction: 350,
      wind_gust: 5,
      pressure: 1000,
      precipitation: 0.5,
    },
    received,
  ),
  reading(
    'S1',
    at('00:00:30.000'),
    { temperature: 12, humidity: 60, wind_direction: 10, precipitation: 0 },
    received,
  ),
  reading('S1', at('00:04:59.999'), { temperature: 14, precipitation: 1.5 }, received),
  reading('S1', at('00:05:00.000'), { temperature: 16, wind_direction: 80 }, received),
  reading('S1', at('00:59:00.000'), { temperature: -2, humidity: 40 }, received),
  reading(
    'S1',
    at('01:00:00.000'),
    { temperature: 20, wind_direction: 100, pressure: 1010 },
    received,
  ),
  reading('S1', at('05:59:59.999'), { pressure: 1020 }, received),
  reading('S1', at('06:00:00.000'), { temperature: 8 }, received),
  reading('S1', at('23:59:59.999'), { temperature: 5, precipitation: 2 }, received),
  reading('S1', '2026-03-03T00:00:00.000Z', { temperature: 30, precipitation: 1 }, received),
];
const s2 = s1.map((r) =>
  reading(
    'S2',
    r.timestamp,
    { temperature: 50, humidity: 99, wind_direction: 180, precipitation: 9 },
    received,
  ),
);
const s3 = [
  reading('S3', at('12:00:00.000'), { wind_direction: 0 }, received),
  reading('S3', at('12:30:00.000'), { wind_direction: 180 }, received),
];

describe.each(backends)('queries on a hand-computed data set ($name)', (backend) => {
  let db: Database;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await backend.open('fixed'));
    await insertReadings(db, [...s1, ...s2, ...s3]);
  }, 60_000);
  afterAll(() => close());

  it('aggregates a day: count, min, max, avg, precipitation sum and circular wind mean', async () => {
    const result = await getAggregate(db, { stationId: 'S1', ...day });
    expect(result).toMatchObject({
      station_id: 'S1',
      start: '2026-03-02T00:00:00.000Z',
      end: '2026-03-03T00:00:00.000Z',
      count: 9,
      first_timestamp: at('00:00:00.000'),
      last_timestamp: at('23:59:59.999'),
    });
    const m = result.measurements;
    expect(m.temperature).toEqual({ count: 8, min: -2, max: 20, avg: 10.375, flagged: 0 });
    expect(m.humidity).toEqual({ count: 3, min: 40, max: 60, avg: 50, flagged: 0 });
    expect(m.wind_speed).toEqual({ count: 1, min: 2, max: 2, avg: 2, flagged: 0 });
    expect(m.wind_gust).toEqual({ count: 1, min: 5, max: 5, avg: 5, flagged: 0 });
    expect(m.pressure).toEqual({ count: 3, min: 1000, max: 1020, avg: 1010, flagged: 0 });
    expect(m.precipitation).toEqual({ count: 4, min: 0, max: 2, avg: 1, sum: 4, flagged: 0 });
    // 350°, 10°, 80°, 100°: the unit vectors sum to the north-east diagonal.
    expect(m.wind_direction).toMatchObject({ count: 4, min: 10, max: 350 });
    expect(m.wind_direction.avg).toBeCloseTo(45, 9);
  });

  it('averages 350° and 10° to 0° (circular mean, not 180°)', async () => {
    const result = await getAggregate(db, {
      stationId: 'S1',
      start: new Date(at('00:00:00.000')),
      end: new Date(at('00:01:00.000')),
    });
    expect(result.measurements.wind_direction).toMatchObject({ count: 2, min: 10, max: 350 });
    expect(result.measurements.wind_direction.avg).toBeCloseTo(0, 9);
  });

  it('gives no wind direction mean when the directions cancel out (0° and 180°)', async () => {
    const result = await getAggregate(db, { stationId: 'S3' });
    expect(result.measurements.wind_direction).toEqual({
      count: 2,
      min: 0,
      max: 180,
      avg: null,
      flagged: 0,
    });
  });

  it('includes a reading exactly at start and excludes one exactly at end', async () => {
    const range = { start: new Date(at('00:00:30.000')), end: new Date(at('00:05:00.000')) };
    const result = await getAggregate(db, { stationId: 'S1', ...range });
    expect(result.count).toBe(2);
    expect(result.first_timestamp).toBe(at('00:00:30.000'));
    expect(result.last_timestamp).toBe(at('00:04:59.999'));
    expect(result.measurements.temperature).toEqual({
      count: 2,
      min: 12,
      max: 14,
      avg: 13,
      flagged: 0,
    });

    const page = await listReadings(db, { stationId: 'S1', ...range, limit: 10 });
    expect(page.readings.map((r) => r.timestamp)).toEqual([at('00:00:30.000'), at('00:04:59.999')]);
    expect(page.next_cursor).toBeNull();
  });

  it('aggregates every reading when no range is given, and reports the open range as null', async () => {
    const result = await getAggregate(db, { stationId: 'S1' });
    expect(result).toMatchObject({ start: null, end: null, count: 10 });
    expect(result.last_timestamp).toBe('2026-03-03T00:00:00.000Z');
    expect(result.measurements.temperature).toEqual({
      count: 9,
      min: -2,
      max: 30,
      avg: 113 / 9,
      flagged: 0,
    });
  });

  it('answers an empty range with zero counts and nulls', async () => {
    const result = await getAggregate(db, { stationId: 'unknown', ...day });
    expect(result).toMatchObject({ count: 0, first_timestamp: null, last_timestamp: null });
    expect(result.measurements.temperature).toEqual({
      count: 0,
      min: null,
      max: null,
      avg: null,
      flagged: 0,
    });
    expect(result.measurements.precipitation).toEqual({
      count: 0,
      min: null,
      max: null,
      flagged: 0,
      avg: null,
      sum: null,
    });
  });

  it('returns readings as JSON-ready rows in timestamp order', async () => {
    const page = await listReadings(db, { stationId: 'S1', ...day, limit: 100 });
    expect(page.readings).toHaveLength(9);
    expect(page.readings[0]).toEqual({
      ...ABSENT_MEASUREMENTS,
      station_id: 'S1',
      timestamp: at('00:00:00.000'),
      temperature: 10,
      humidity: 50,
      wind_speed: 2,
      wind_direction: 350,
      wind_gust: 5,
      pressure: 1000,
      precipitation: 0.5,
      received_at: received,
      qc: null,
      rain_counter_kind: null,
    });
    expect(page.readings.map((r) => r.timestamp)).toEqual(s1.slice(0, 9).map((r) => r.timestamp));
  });

  const expectedBuckets: Record<Interval, [string, number][]> = {
    '1m': [
      ['00:00', 2],
      ['00:04', 1],
      ['00:05', 1],
      ['00:59', 1],
      ['01:00', 1],
      ['05:59', 1],
      ['06:00', 1],
      ['23:59', 1],
    ],
    '5m': [
      ['00:00', 3],
      ['00:05', 1],
      ['00:55', 1],
      ['01:00', 1],
      ['05:55', 1],
      ['06:00', 1],
      ['23:55', 1],
    ],
    '15m': [
      ['00:00', 4],
      ['00:45', 1],
      ['01:00', 1],
      ['05:45', 1],
      ['06:00', 1],
      ['23:45', 1],
    ],
    '1h': [
      ['00:00', 5],
      ['01:00', 1],
      ['05:00', 1],
      ['06:00', 1],
      ['23:00', 1],
    ],
    '6h': [
      ['00:00', 7],
      ['06:00', 1],
      ['18:00', 1],
    ],
    '1d': [['00:00', 9]],
  };

  it.each(Object.entries(expectedBuckets))(
    'puts readings in the right %s buckets, only non-empty ones, in order',
    async (interval, expected) => {
      const result = await getTimeseries(db, {
        stationId: 'S1',
        ...day,
        interval: interval as Interval,
      });
      expect(result.buckets.map((b) => [b.bucket, b.count])).toEqual(
        expected.map(([time, count]) => [at(`${time}:00.000`), count]),
      );
      const rollup = backend.timescale && ['1h', '6h', '1d'].includes(interval);
      expect(result.source).toBe(rollup ? 'continuous_aggregate' : 'raw');
    },
  );

  it('computes per-bucket statistics, with null for a measurement absent from a bucket', async () => {
    const { buckets } = await getTimeseries(db, { stationId: 'S1', ...day, interval: '1h' });
    const [first, second] = buckets;
    expect(first?.temperature).toEqual({ count: 5, min: -2, max: 16, avg: 10, flagged: 0 });
    expect(first?.humidity).toEqual({ count: 3, min: 40, max: 60, avg: 50, flagged: 0 });
    expect(first?.wind_gust).toEqual({ count: 1, min: 5, max: 5, avg: 5, flagged: 0 });
    expect(first?.precipitation).toMatchObject({ count: 3, min: 0, max: 1.5, sum: 2 });
    expect(first?.precipitation?.avg).toBeCloseTo(2 / 3, 12);
    expect(first?.wind_direction).toMatchObject({ count: 3, min: 10, max: 350 });
    expect(second).toEqual({
      ...ABSENT_MEASUREMENTS,
      bucket: at('01:00:00.000'),
      count: 1,
      temperature: { count: 1, min: 20, max: 20, avg: 20, flagged: 0 },
      humidity: null,
      wind_speed: null,
      wind_direction: { count: 1, min: 100, max: 100, avg: expect.closeTo(100, 9), flagged: 0 },
      wind_gust: null,
      pressure: { count: 1, min: 1010, max: 1010, avg: 1010, flagged: 0 },
      precipitation: null,
    });

    const minute = await getTimeseries(db, { stationId: 'S1', ...day, interval: '1m' });
    expect(minute.buckets[0]?.wind_direction?.avg).toBeCloseTo(0, 9);
  });

  it('counts a reading exactly at start and leaves out one exactly at end', async () => {
    const minutes = await getTimeseries(db, {
      stationId: 'S1',
      start: new Date(at('00:05:00.000')),
      end: new Date(at('00:59:00.000')),
      interval: '1m',
    });
    expect(minutes.buckets.map((b) => [b.bucket, b.count])).toEqual([[at('00:05:00.000'), 1]]);

    const days = await getTimeseries(db, { stationId: 'S1', ...day, interval: '1d' });
    expect(days.buckets.map((b) => b.count)).toEqual([9]);
  });

  it('widens the range to whole buckets and says so in start and end', async () => {
    const result = await getTimeseries(db, {
      stationId: 'S1',
      start: new Date(at('00:00:30.000')),
      end: new Date(at('05:00:01.000')),
      interval: '1h',
    });
    expect(result).toMatchObject({ start: at('00:00:00.000'), end: at('06:00:00.000') });
    expect(result.buckets.map((b) => [b.bucket, b.count])).toEqual([
      [at('00:00:00.000'), 5],
      [at('01:00:00.000'), 1],
      [at('05:00:00.000'), 1],
    ]);

    const twoDays = await getTimeseries(db, {
      stationId: 'S1',
      start: day.start,
      end: new Date('2026-03-03T00:00:00.001Z'),
      interval: '1d',
    });
    expect(twoDays.end).toBe('2026-03-04T00:00:00.000Z');
    expect(twoDays.buckets.map((b) => b.count)).toEqual([9, 1]);
  });

  it('gives the same answers inside a transaction', async () => {
    const outside = await Promise.all([
      getAggregate(db, { stationId: 'S1', ...day }),
      getTimeseries(db, { stationId: 'S1', ...day, interval: '1h' }),
      getTimeseries(db, { stationId: 'S1', ...day, interval: '5m' }),
      listReadings(db, { stationId: 'S1', ...day, limit: 4 }),
    ]);
    const inside = await db.transaction(async (tx) => [
      await getAggregate(tx, { stationId: 'S1', ...day }),
      await getTimeseries(tx, { stationId: 'S1', ...day, interval: '1h' }),
      await getTimeseries(tx, { stationId: 'S1', ...day, interval: '5m' }),
      await listReadings(tx, { stationId: 'S1', ...day, limit: 4 }),
    ]);
    expect(inside).toEqual(outside);
  });
});
