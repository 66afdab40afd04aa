import { MEASUREMENT_NAMES, type Reading } from '@weather/core/reading';
import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../client';

export interface StoredReading extends Reading {
  received_at: string;
}

/**
 * The ingest hot path: one statement per batch. Rows travel as one array parameter per column
 * (`unnest`), so the plan is stable and the parameter count does not grow with the batch;
 * duplicates of stored readings are dropped by the primary key (first write wins), and the
 * stations' first/last-seen pointers move in the same statement, so both commit together.
 * Returns how many readings were new.
 */
export async function insertReadings(db: Database, readings: readonly StoredReading[]) {
  if (readings.length === 0) return { inserted: 0 };
  const column = <T>(pick: (r: StoredReading) => T) => sql.param(readings.map(pick));
  const measurements = MEASUREMENT_NAMES.map((name) => sql`${column((r) => r[name])}::float8[]`);
  const result = await db.execute(sql`
    with input as (
      select * from unnest(
        ${column((r) => r.station_id)}::text[],
        ${column((r) => r.timestamp)}::timestamptz[],
        ${sql.join(measurements, sql`, `)},
        ${column((r) => r.received_at)}::timestamptz[]
      ) as t(station_id, ts, ${sql.raw(MEASUREMENT_NAMES.join(', '))}, received_at)
    ),
    inserted as (
      insert into weather_readings (station_id, ts, ${sql.raw(MEASUREMENT_NAMES.join(', '))}, received_at)
      select * from input
      on conflict (station_id, ts) do nothing
      returning station_id, ts, received_at
    ),
    touched as (
      insert into stations (id, first_seen, last_seen, last_reading_at)
      select station_id, min(received_at), max(received_at), max(ts) from inserted group by station_id
      on conflict (id) do update set
        last_seen = greatest(stations.last_seen, excluded.last_seen),
        last_reading_at = greatest(stations.last_reading_at, excluded.last_reading_at)
      returning 1
    )
    select (select count(*) from inserted)::int as inserted, (select count(*) from touched)::int as stations
  `);
  const row = rowsOf<{ inserted: number }>(result)[0];
  return { inserted: row?.inserted ?? 0 };
}
