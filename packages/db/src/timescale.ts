import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from './client';

/** Whether the server can run TimescaleDB (installed or available to install). Detected, never configured. */
export async function timescaleAvailable(db: Database): Promise<boolean> {
  const rows = rowsOf<{ available: boolean }>(
    await db.execute(
      sql`select exists (select 1 from pg_available_extensions where name = 'timescaledb') as available`,
    ),
  );
  return rows[0]?.available === true;
}

/** Whether `weather_readings` is a hypertable (TimescaleDB installed and migrated). */
export async function isHypertable(db: Database): Promise<boolean> {
  const rows = rowsOf<{ installed: boolean }>(
    await db.execute(
      sql`select exists (select 1 from pg_extension where extname = 'timescaledb') as installed`,
    ),
  );
  if (!rows[0]?.installed) return false;
  const tables = rowsOf<{ n: number }>(
    await db.execute(
      sql`select count(*)::int as n from timescaledb_information.hypertables where hypertable_name = 'weather_readings'`,
    ),
  );
  return (tables[0]?.n ?? 0) > 0;
}

export interface TimescaleSettings {
  /** Width of a chunk; the active chunk's indexes should fit in ~25% of shared_buffers. */
  chunkInterval: string;
  /** Compress chunks older than this; keep it beyond the late-data horizon (ON CONFLICT into compressed chunks is slow). */
  compressAfter: string;
  /** Drop raw readings older than this; null keeps everything. */
  retention: string | null;
}

export const defaultTimescaleSettings: TimescaleSettings = {
  chunkInterval: '1 day',
  compressAfter: '7 days',
  retention: null,
};

/** Applies the settings idempotently (after migrations, at every start). */
export async function applyTimescaleSettings(db: Database, settings: TimescaleSettings) {
  await db.execute(
    sql`select set_chunk_time_interval('weather_readings', ${settings.chunkInterval}::interval)`,
  );
  await db.execute(sql`select remove_compression_policy('weather_readings', if_exists => true)`);
  await db.execute(
    sql`select add_compression_policy('weather_readings', compress_after => ${settings.compressAfter}::interval)`,
  );
  await db.execute(sql`select remove_retention_policy('weather_readings', if_exists => true)`);
  if (settings.retention) {
    await db.execute(
      sql`select add_retention_policy('weather_readings', drop_after => ${settings.retention}::interval)`,
    );
  }
}
