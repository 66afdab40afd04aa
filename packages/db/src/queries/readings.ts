import { MEASUREMENTS, type Measurement, namesOf } from '@weather/core/measurements';
import type { QcFlags, RainCounterKind } from '@weather/core/reading';
import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { type Database, rowsOf } from '../client';
import { type WeatherReadingRow, weatherReadings } from '../schema';
import { decodeCursor, pageOf, requirePositiveLimit } from './cursor';
import { isoUtc, tstz } from './fragments';

/** One stored reading as the API returns it (SPEC §3 field names, ISO 8601 UTC times). */
export type ReadingRow = { station_id: string; timestamp: string } & Pick<
  WeatherReadingRow,
  Measurement
> & {
    received_at: string;
    /** QC flags by measurement (SPEC §14); null when it has none. */
    qc: QcFlags | null;
    rain_counter_kind: RainCounterKind | null;
  };

export interface ListReadingsParams {
  stationId: string;
  /** Inclusive. */
  start?: Date;
  /** Exclusive. */
  end?: Date;
  limit: number;
  /** `next_cursor` of the previous page; absent or null for the first page. */
  cursor?: string | null;
}

/** `weather_readings` under the alias `r`: select from `readingsFrom`, its columns render as `"r".col`. */
export const r = alias(weatherReadings, 'r');
export const readingsFrom = sql`${weatherReadings} ${sql.identifier('r')}`;

/** The columns of a `ReadingRow`, selected from `readingsFrom`. */
export const readingColumns = sql`${r.stationId}, ${isoUtc(sql`${r.ts}`)} as "timestamp",
    ${sql.join(
      namesOf(MEASUREMENTS).map((name) => r[name]),
      sql`, `,
    )},
    ${isoUtc(sql`${r.receivedAt}`)} as received_at, ${r.qc}, ${r.rainCounterKind}`;

/**
 * One station's readings in timestamp order, a page at a time. Keyset paging on the primary key
 * `(station_id, ts)`: each page is an index range scan starting after the previous page's last
 * timestamp, so deep pages cost the same as the first and concurrent inserts never shift a page.
 * One row more than `limit` is fetched to know whether another page exists.
 */
export async function listReadings(
  db: Database,
  p: ListReadingsParams,
): Promise<{ readings: ReadingRow[]; next_cursor: string | null }> {
  requirePositiveLimit(p.limit);
  const after = p.cursor === undefined || p.cursor === null ? null : afterTimestamp(p.cursor);
  const rows = rowsOf<ReadingRow>(
    await db.execute(sql`
      select ${readingColumns}
      from ${readingsFrom}
      where ${r.stationId} = ${p.stationId}
        ${p.start ? sql`and ${r.ts} >= ${tstz(p.start)}` : sql``}
        ${p.end ? sql`and ${r.ts} < ${tstz(p.end)}` : sql``}
        ${after ? sql`and ${r.ts} > ${tstz(after)}` : sql``}
      order by ${r.ts}
      limit ${p.limit + 1}
    `),
  );
  const page = pageOf(rows, p.limit, (row) => row.timestamp);
  return { readings: page.rows, next_cursor: page.next_cursor };
}

// The cursor is the last returned timestamp (stored at ms precision, so `ts > cursor` neither
// skips nor repeats a row).
const afterTimestamp = (cursor: string) => new Date(decodeCursor(cursor, isIsoTimestamp));

function isIsoTimestamp(key: string) {
  const ms = Date.parse(key);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === key;
}
