import { MEASUREMENT_NAMES, MEASUREMENTS, type Measurement } from '@weather/core/measurements';
import { hasDoubt } from '@weather/core/qc';
import type { Reading } from '@weather/core/reading';
import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../client';
import { weatherReadings } from '../schema';
import { columnType } from '../schema/readings';
import { numberArray, textArray } from './fragments';
import { derivePrecipitation } from './rain-counters';

const COLUMN_TYPES = Object.fromEntries(
  MEASUREMENT_NAMES.map((name) => [name, columnType(MEASUREMENTS[name])]),
) as Record<Measurement, string>;

export interface StoredReading extends Reading {
  received_at: string;
}

/**
 * The ingest hot path: one statement per batch. Rows travel as one array parameter per column
 * (`unnest`), so the plan is stable and the parameter count does not grow with the batch;
 * duplicates of stored readings are dropped by the primary key (first write wins), and the
 * stations' first/last-seen pointers move in the same statement, so both commit together.
 * Those pointers are computed here from the batch, one row per station: a duplicate's
 * timestamp is already stored, so it cannot move `last_reading_at` past the newest row, and
 * the database no longer returns and groups every inserted row. The rows inserted are counted
 * per station-local day (`station_days`) in the same statement. A batch with rain counters also
 * derives their precipitation (`derivePrecipitation`) in the same transaction, so no reader sees
 * a counter reading without its rain; a batch without counters stays one statement, no
 * transaction. Returns how many were new and the timestamps of rows whose rain was (re)derived.
 */
export async function insertReadings(
  db: Database,
  readings: readonly StoredReading[],
): Promise<{ inserted: number; rainUpdated: string[] }> {
  if (!readings.some((r) => r.rain_counter != null)) {
    return { inserted: await insertRows(db, readings), rainUpdated: [] };
  }
  return db.transaction(async (tx) => {
    const inserted = await insertRows(tx, readings);
    return { inserted, rainUpdated: await derivePrecipitation(tx, readings) };
  });
}

async function insertRows(db: Database, readings: readonly StoredReading[]): Promise<number> {
  if (readings.length === 0) return 0;
  const text = (values: (string | null)[]) => sql.param(textArray(values));
  const measurements = MEASUREMENT_NAMES.map(
    (name) =>
      sql`${sql.param(numberArray(readings.map((r) => r[name])))}::${sql.raw(COLUMN_TYPES[name])}[]`,
  );
  const stations = stationPointers(readings);
  const raws = readings.filter((r) => r.raw !== undefined);
  // Only protocol readings have a raw upload; it is kept only for a reading stored now (joined
  // to the inserted rows' keys).
  const rawUploads =
    raws.length === 0
      ? sql``
      : sql`,
    raw as (
      insert into raw_uploads (station_id, ts, protocol, fields, dropped, received_at)
      select u.* from unnest(
        ${text(raws.map((r) => r.station_id))}::text[],
        ${text(raws.map((r) => r.timestamp))}::timestamptz[],
        ${text(raws.map((r) => r.raw?.protocol as string))}::text[],
        ${text(raws.map((r) => JSON.stringify(r.raw?.fields)))}::jsonb[],
        ${text(raws.map((r) => (r.raw?.dropped ? JSON.stringify(r.raw.dropped) : null)))}::jsonb[],
        ${text(raws.map((r) => r.received_at))}::timestamptz[]
      ) as u(station_id, ts, protocol, fields, dropped, received_at)
      join inserted using (station_id, ts)
      on conflict (station_id, ts) do nothing
    )`;
  const result = await db.execute(sql`
    with inserted as (
      insert into ${weatherReadings} (station_id, ts, ${sql.raw(MEASUREMENT_NAMES.join(', '))}, received_at, qc, doubtful, rain_counter_kind)
      select * from unnest(
        ${text(readings.map((r) => r.station_id))}::text[],
        ${text(readings.map((r) => r.timestamp))}::timestamptz[],
        ${sql.join(measurements, sql`, `)},
        ${text(readings.map((r) => r.received_at))}::timestamptz[],
        ${text(readings.map((r) => (r.qc ? JSON.stringify(r.qc) : null)))}::jsonb[],
        ${sql.param(numberArray(readings.map((r) => hasDoubt(r.qc))))}::boolean[],
        ${text(readings.map((r) => r.rain_counter_kind ?? null))}::text[]
      )
      on conflict (station_id, ts) do nothing
      returning station_id, ts
    ),
    days as (
      -- Readings per station-local day (completeness, SPEC §17): only the rows stored now. A
      -- station first seen in this batch is not in the snapshot yet: it gets UTC, as it will.
      insert into station_days (station_id, day, readings)
      select i.station_id, (i.ts at time zone coalesce(z.timezone, 'UTC'))::date, count(*)
      from inserted i left join stations z on z.id = i.station_id
      group by 1, 2
      on conflict (station_id, day) do update set readings = station_days.readings + excluded.readings
      returning 1
    ),
    touched as (
      insert into stations (id, first_seen, last_seen, last_reading_at)
      select * from unnest(
        ${text(stations.map((s) => s.id))}::text[],
        ${text(stations.map((s) => s.firstSeen))}::timestamptz[],
        ${text(stations.map((s) => s.lastSeen))}::timestamptz[],
        ${text(stations.map((s) => s.lastReadingAt))}::timestamptz[]
      )
      on conflict (id) do update set
        -- A station registered before it reported has no seen times yet.
        first_seen = coalesce(stations.first_seen, excluded.first_seen),
        last_seen = greatest(stations.last_seen, excluded.last_seen),
        last_reading_at = greatest(stations.last_reading_at, excluded.last_reading_at)
      returning 1
    )${rawUploads}
    select (select count(*) from inserted)::int as inserted, (select count(*) from touched)::int as stations,
      (select count(*) from days)::int as days
  `);
  return rowsOf<{ inserted: number }>(result)[0]?.inserted ?? 0;
}

/** Per station of the batch: earliest and latest `received_at`, newest timestamp (ISO strings sort by time). */
function stationPointers(readings: readonly StoredReading[]) {
  const byStation = new Map<
    string,
    { id: string; firstSeen: string; lastSeen: string; lastReadingAt: string }
  >();
  for (const r of readings) {
    const s = byStation.get(r.station_id);
    if (!s) {
      byStation.set(r.station_id, {
        id: r.station_id,
        firstSeen: r.received_at,
        lastSeen: r.received_at,
        lastReadingAt: r.timestamp,
      });
      continue;
    }
    if (r.received_at < s.firstSeen) s.firstSeen = r.received_at;
    if (r.received_at > s.lastSeen) s.lastSeen = r.received_at;
    if (r.timestamp > s.lastReadingAt) s.lastReadingAt = r.timestamp;
  }
  return [...byStation.values()];
}
