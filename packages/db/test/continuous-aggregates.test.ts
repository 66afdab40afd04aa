import { isFlag } from '@weather/core/measurements';
import { MEASUREMENT_NAMES, MEASUREMENTS, readingSchema } from '@weather/core/reading';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, insertReadings, rowsOf, type StoredReading } from '../src';
import { createTestDatabase, createTimescaleTestDb } from '../src/testing';

const baseUrl =
  process.env.DATABASE_URL ?? 'postgres://weather:weather@127.0.0.1:5432/weather_test';
const parse = readingSchema(() => Date.parse('2030-01-01T00:00:00Z'));

/** Two stations, 06:00–11:57 at 7-minute steps, with gaps (null measurements) every 5th reading. */
const dataset: StoredReading[] = Array.from({ length: 2 * 52 }, (_, i) => {
  const station = i % 2 === 0 ? 'A' : 'B';
  const step = Math.floor(i / 2);
  return {
    ...parse.parse({
      station_id: station,
      timestamp: new Date(Date.UTC(2026, 4, 10, 6, step * 7)).toISOString(),
      temperature: step % 5 === 0 ? null : 10 + step / 4,
      humidity: 80 - step / 2,
      wind_direction: (350 + step * 3) % 360,
      precipitation: step % 3 === 0 ? 0.2 : 0,
      // A flag: its partial sums are over 0/1 (the share of readings with a low battery).
      battery_low: step % 4 === 0 ? null : step % 4 === 1,
    }),
    received_at: '2026-05-10T13:00:00.000Z',
  };
});

const columns = MEASUREMENT_NAMES.flatMap((m) => [
  `${m}_count`,
  `${m}_sum`,
  `${m}_min`,
  `${m}_max`,
]);

/** Hourly rows as the continuous aggregate defines them, computed from raw rows. */
const rawHourly = sql.raw(`
  select station_id, date_bin('1 hour', ts, timestamptz '2000-01-01') as bucket, count(*)::int as readings,
  ${MEASUREMENT_NAMES.map((name) => {
    const m = isFlag(MEASUREMENTS[name]) ? `${name}::int` : name;
    // node-postgres returns a bigint sum as text; PGlite as a number.
    const sum = m === name ? `sum(${m})` : `sum(${m})::int`;
    return `count(${m})::int as ${name}_count, ${sum} as ${name}_sum, min(${m}) as ${name}_min, max(${m}) as ${name}_max`;
  }).join(',\n  ')}
  from weather_readings group by 1, 2 order by 1, 2`);

const cagg = sql.raw(`
  select station_id, bucket, readings::int, ${columns.map((c) => (c.endsWith('_count') ? `${c}::int` : c)).join(', ')}
  from weather_readings_hourly order by 1, 2`);

function normalise(rows: Record<string, unknown>[]) {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        v instanceof Date || k === 'bucket'
          ? new Date(v as string).toISOString()
          : typeof v === 'number'
            ? Math.round(v * 1e9) / 1e9
            : v,
      ]),
    ),
  );
}

describe('hourly aggregates: TimescaleDB continuous aggregate vs raw rows on PostgreSQL', () => {
  let timescale: { db: Database; close: () => Promise<void> };
  let postgres: { db: Database; drop: () => Promise<void> };

  beforeAll(async () => {
    timescale = await createTimescaleTestDb();
    postgres = await createTestDatabase(baseUrl, 'cagg');
    await insertReadings(timescale.db, dataset);
    await insertReadings(postgres.db, dataset);
  }, 60_000);
  afterAll(async () => {
    await timescale.close();
    await postgres.drop();
  });

  it('answers from the continuous aggregate before any refresh (real-time aggregation)', async () => {
    const rows = rowsOf<Record<string, unknown>>(await timescale.db.execute(cagg));
    expect(rows).toHaveLength(2 * 6);
    expect(rows.reduce((n, r) => n + Number(r.readings), 0)).toBe(dataset.length);
  });

  it('gives the same numbers after a refresh as PostgreSQL computes from raw rows', async () => {
    await timescale.db.execute(
      sql`call refresh_continuous_aggregate('weather_readings_hourly', null, null)`,
    );
    const fromCagg = normalise(rowsOf(await timescale.db.execute(cagg)));
    const fromRaw = normalise(rowsOf(await postgres.db.execute(rawHourly)));
    expect(fromCagg).toEqual(fromRaw);
    expect(fromCagg[0]).toMatchObject({
      station_id: 'A',
      bucket: '2026-05-10T06:00:00.000Z',
      readings: 9,
      temperature_count: 7,
      // 06:00–06:56 holds steps 0–8: battery_low null at 0, 4, 8; true at 1 and 5.
      battery_low_count: 6,
      battery_low_sum: 2,
    });
  });
});
