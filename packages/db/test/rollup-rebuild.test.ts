import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, getTimeseries, insertReadings, migrate } from '../src';
import { createTimescaleTestDb } from '../src/testing';
import { reading } from './query-helpers';

const HOUR = 3_600_000;
// Ten days ago: older than the hourly policy's 3-day window, as most history is.
const hour = new Date(Math.floor((Date.now() - 10 * 24 * HOUR) / HOUR) * HOUR);
const theHour = { stationId: 'R', start: hour, end: new Date(hour.getTime() + HOUR) };

/** The hourly bucket of the old hour, as a chart asks for it (from the rollup view). */
async function oldBucket(db: Database) {
  const series = await getTimeseries(db, { ...theHour, interval: '1h' });
  expect(series.source).toBe('continuous_aggregate');
  return series.buckets[0]?.temperature ?? null;
}

describe('a TimescaleDB migration that rebuilds the rollup views', () => {
  let timescale: Awaited<ReturnType<typeof createTimescaleTestDb>>;
  beforeAll(async () => {
    timescale = await createTimescaleTestDb();
    const at = (m: number) => new Date(hour.getTime() + m * 60_000);
    await insertReadings(
      timescale.db,
      [0, 20, 40].map((m) => reading('R', at(m), { temperature: 10 + m / 10 })),
    );
  }, 60_000);
  afterAll(() => timescale.close());

  it('still answers old buckets after the policies’ first run (TimescaleDB 2.23, as compose runs)', async () => {
    const { db } = timescale;
    // The newest rollup migration again, as on an upgrade (it drops and recreates the views).
    await db.execute(sql`
      delete from __drizzle_migrations_timescale
      where id = (select max(id) from __drizzle_migrations_timescale)`);
    await migrate(db);
    // What the hourly policy then does: materialise the last 3 days up to an hour ago. The old
    // hour is not materialised, and must still be answered (from raw rows).
    await db.execute(
      sql`call refresh_continuous_aggregate('weather_readings_hourly', now() - interval '3 days', now() - interval '1 hour')`,
    );
    expect(await oldBucket(db)).toMatchObject({ count: 3, min: 10, max: 14, flagged: 0 });
  });
});
