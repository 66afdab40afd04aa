import { sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Database } from '../client';
import { tstz } from './fragments';
import { usesTimescale } from './uses-timescale';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Re-materialises the hourly and daily continuous aggregates over `range`, widened to whole
 * hours and days, so late readings show up in them. Needed because the hourly policy refreshes
 * only the last 3 days (the daily one 32 days) and real-time aggregation only adds rows newer
 * than the materialisation watermark: a reading older than that is otherwise never counted.
 * A no-op on plain PostgreSQL, which computes every answer from raw rows.
 *
 * Must not be called inside a transaction: TimescaleDB's `refresh_continuous_aggregate` refuses
 * to run in a transaction block. It throws on both backends when given one, so code that works
 * on PostgreSQL does not break on TimescaleDB.
 */
export async function refreshAggregates(
  db: Database,
  range: { start: Date; end: Date },
): Promise<void> {
  if (db instanceof PgTransaction) {
    throw new Error('refreshAggregates cannot run inside a transaction; call it after commit');
  }
  if (!(await usesTimescale(db))) return;
  await refresh(db, 'weather_readings_hourly', widen(range, HOUR_MS));
  await refresh(db, 'weather_readings_daily', widen(range, DAY_MS));
}

/** Whole buckets covering [start, end), and at least the bucket holding `start`. */
function widen(range: { start: Date; end: Date }, step: number) {
  const start = Math.floor(range.start.getTime() / step) * step;
  const end = Math.max(Math.ceil(range.end.getTime() / step) * step, start + step);
  return { start: new Date(start), end: new Date(end) };
}

async function refresh(db: Database, view: string, window: { start: Date; end: Date }) {
  await db.execute(
    sql`call refresh_continuous_aggregate(${view}, ${tstz(window.start)}, ${tstz(window.end)})`,
  );
}
