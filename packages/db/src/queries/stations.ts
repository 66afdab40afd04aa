/*
 * Listing stations never scans `weather_readings`: the ingest statement keeps
 * `stations.last_reading_at` pointing at each station's newest reading, so finding it is one
 * primary-key lookup `(station_id, ts)` per station and the cost grows with the number of
 * stations, not of readings. The lookup sits in a LATERAL subquery with LIMIT 1, which the
 * planner cannot flatten into a plain join (that it might run as a hash join over every row).
 */
import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { type Database, rowsOf } from '../client';
import { stations } from '../schema';
import { decodeCursor, pageOf, requirePositiveLimit } from './cursor';
import { isoUtc } from './fragments';
import { type ReadingRow, r, readingColumns, readingsFrom } from './readings';

export interface StationSummary {
  station_id: string;
  name: string | null;
  description: string | null;
  latitude: number | null;
  longitude: number | null;
  elevation: number | null;
  timezone: string;
  tags: string[];
  enabled: boolean;
  gateway_id: string | null;
  /** Null until the station first reports. */
  first_seen: string | null;
  last_seen: string | null;
  latest: ReadingRow | null;
}

const s = alias(stations, 's');
const stationsFrom = sql`${stations} ${sql.identifier('s')}`;

const newestReading = sql`lateral (
    select ${readingColumns}
    from ${readingsFrom}
    where ${r.stationId} = ${s.id} and ${r.ts} = ${s.lastReadingAt}
    limit 1
  ) latest`;

export interface ListStationsParams {
  /** Only these stations. */
  stationIds?: string[];
  /** Case-insensitive substring of the station id or name. */
  search?: string;
  /** Stations per page; without it, every (matching) station at once. */
  limit?: number;
  /** `next_cursor` of the previous page. */
  cursor?: string | null;
}

const summaryColumns = sql`${s.id} as station_id, ${s.name}, ${s.description}, ${s.latitude},
  ${s.longitude}, ${s.elevation}, ${s.timezone}, ${s.tags}, ${s.enabled},
  ${s.gatewayId} as gateway_id, ${isoUtc(sql`${s.firstSeen}`)} as first_seen,
  ${isoUtc(sql`${s.lastSeen}`)} as last_seen,
  -- As JSON, so the reading arrives nested with its numbers intact.
  case when latest.station_id is null then null else to_json(latest) end as latest`;

/** `%`, `_` and `\\` match themselves in the search, not as LIKE wildcards. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * Stations by id with their newest reading (null once retention has dropped it): every station,
 * or a keyset page of them after the cursor (the last id of the previous page), optionally
 * filtered. A page is an index range scan on the primary key, so deep pages cost the same.
 */
export async function listStations(
  db: Database,
  p: ListStationsParams = {},
): Promise<{ stations: StationSummary[]; next_cursor: string | null }> {
  if (p.limit !== undefined) requirePositiveLimit(p.limit);
  const after = p.cursor ? decodeCursor(p.cursor, () => true) : null;
  const conditions = [
    after === null ? undefined : sql`${s.id} > ${after}`,
    p.stationIds ? sql`${s.id} = any(${sql.param(p.stationIds)}::text[])` : undefined,
    p.search
      ? sql`(${s.id} ilike ${likePattern(p.search)} or ${s.name} ilike ${likePattern(p.search)})`
      : undefined,
  ].filter((condition) => condition !== undefined);
  const rows = rowsOf<StationSummary>(
    await db.execute(sql`
      select ${summaryColumns}
      from ${stationsFrom}
      left join ${newestReading} on true
      ${conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``}
      order by ${s.id}
      ${p.limit === undefined ? sql`` : sql`limit ${p.limit + 1}`}
    `),
  );
  if (p.limit === undefined) return { stations: rows, next_cursor: null };
  const page = pageOf(rows, p.limit, (row) => row.station_id);
  return { stations: page.rows, next_cursor: page.next_cursor };
}

/** The newest reading of each given station, ordered by station id; unknown ids are absent. */
export async function latestReadings(db: Database, stationIds: string[]): Promise<ReadingRow[]> {
  if (stationIds.length === 0) return [];
  return rowsOf<ReadingRow>(
    await db.execute(sql`
      select latest.*
      from ${stationsFrom}
      cross join ${newestReading}
      where ${s.id} = any(${sql.param(stationIds)}::text[])
      order by ${s.id}
    `),
  );
}

export async function stationExists(db: Database, stationId: string): Promise<boolean> {
  const rows = rowsOf<{ exists: boolean }>(
    await db.execute(
      sql`select exists (select 1 from ${stations} where ${stations.id} = ${stationId}) as exists`,
    ),
  );
  return rows[0]?.exists === true;
}
