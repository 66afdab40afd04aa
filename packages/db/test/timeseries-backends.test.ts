import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getAggregate,
  getTimeseries,
  INTERVALS,
  type Interval,
  insertReadings,
  refreshAggregates,
  type StoredReading,
} from '../src';
import { backends, differences, type OpenBackend, reading } from './query-helpers';

const DAY = 86_400_000;
const origin = Date.UTC(2026, 2, 10);

/** Three days of two stations at irregular steps, with gaps in every measurement. */
function dataset(): StoredReading[] {
  const rows: StoredReading[] = [];
  for (const [s, station] of ['T1', 'T2'].entries()) {
    for (let i = 0, t = origin + s * 17_000; t < origin + 3 * DAY; i++) {
      const phase = (2 * Math.PI * (t - origin)) / DAY;
      rows.push(
        reading(station, new Date(t), {
          temperature: i % 7 === 0 ? null : 8 + 6 * Math.sin(phase) + ((i * 37) % 11) / 13,
          humidity: 70 - 20 * Math.sin(phase) + ((i * 13) % 5) / 7,
          wind_speed: i % 5 === 0 ? null : 3 + ((i * 7) % 17) / 3,
          wind_direction: i % 11 === 0 ? null : (200 + 60 * Math.sin(i / 23) + (i % 9)) % 360,
          wind_gust: i % 3 === 0 ? null : 6 + ((i * 11) % 19) / 2,
          pressure: 1013 + 4 * Math.sin(phase / 3) + (i % 4) / 10,
          precipitation: i % 13 === 0 ? ((i * 3) % 7) / 10 : i % 2 === 0 ? 0 : null,
        }),
      );
      t += 20_000 + ((i * 7919) % 83) * 1000; // 20–102 s
    }
  }
  return rows;
}

// Not aligned to any bucket, so both paths must widen it the same way.
const range = {
  start: new Date(origin + 3 * 3_600_000 + 17 * 60_000),
  end: new Date(origin + 2 * DAY + 20 * 3_600_000 + 41 * 60_000 + 30_500),
};

describe('getTimeseries: the same answers from raw rows on PostgreSQL and from TimescaleDB', () => {
  const [postgresBackend, timescaleBackend] = backends;
  let postgres: OpenBackend;
  let timescale: OpenBackend;

  beforeAll(async () => {
    if (!postgresBackend || !timescaleBackend) throw new Error('both backends are needed');
    [postgres, timescale] = await Promise.all([
      postgresBackend.open('timeseries'),
      timescaleBackend.open('timeseries'),
    ]);
    const rows = dataset();
    await insertReadings(postgres.db, rows);
    await insertReadings(timescale.db, rows);
    // Materialise only the first day and a bit: the continuous aggregates then answer from
    // materialised rows before the watermark and from raw rows after it (real-time aggregation),
    // and a 6h bucket straddles the two.
    await refreshAggregates(timescale.db, {
      start: new Date(origin),
      end: new Date(origin + DAY + 3 * 3_600_000),
    });
  }, 120_000);
  afterAll(async () => {
    await postgres?.close();
    await timescale?.close();
  });

  it.each(Object.keys(INTERVALS) as Interval[])('%s buckets match', async (interval) => {
    const params = { stationId: 'T1', ...range, interval };
    const fromPostgres = await getTimeseries(postgres.db, params);
    const fromTimescale = await getTimeseries(timescale.db, params);
    const rollup = INTERVALS[interval] >= INTERVALS['1h'];
    expect(fromPostgres.source).toBe('raw');
    expect(fromTimescale.source).toBe(rollup ? 'continuous_aggregate' : 'raw');
    expect(fromPostgres.buckets.length).toBeGreaterThan(rollup ? 2 : 100);
    expect(
      differences({ ...fromTimescale, source: null }, { ...fromPostgres, source: null }),
    ).toEqual([]);
    // Every reading in the widened range lands in exactly one bucket.
    const total = await getAggregate(postgres.db, {
      stationId: 'T1',
      start: new Date(fromPostgres.start),
      end: new Date(fromPostgres.end),
    });
    expect(fromTimescale.buckets.reduce((n, b) => n + b.count, 0)).toBe(total.count);
  });

  it('aggregates match too', async () => {
    const params = { stationId: 'T2', ...range };
    expect(
      differences(
        await getAggregate(timescale.db, params),
        await getAggregate(postgres.db, params),
      ),
    ).toEqual([]);
  });
});
