import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../client';
import { weatherReadings } from '../schema';
import { usesTimescale } from './uses-timescale';

/** Below this estimate an exact count is cheap enough for a dashboard that polls. */
const EXACT_BELOW = 200_000;

/**
 * Readings stored: exact for small tables, else estimated from planner statistics (an exact
 * count scans the whole table, and a dashboard figure does not need the last digit). On a
 * hypertable the parent holds no rows, so TimescaleDB's own estimate over its chunks is used.
 */
export async function approximateReadingCount(
  db: Database,
): Promise<{ count: number; exact: boolean }> {
  const estimate = (await usesTimescale(db))
    ? sql`select approximate_row_count('weather_readings')::float8 as n`
    : sql`select greatest(reltuples, 0)::float8 as n from pg_class where oid = 'weather_readings'::regclass`;
  const estimated = Math.round(rowsOf<{ n: number }>(await db.execute(estimate))[0]?.n ?? 0);
  if (estimated >= EXACT_BELOW) return { count: estimated, exact: false };
  const exact = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::float8 as n from ${weatherReadings}`),
  );
  return { count: exact[0]?.n ?? 0, exact: true };
}

/** Rejects when the database does not answer a trivial query. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
