import { MEASUREMENTS, type Measurement, namesOf } from '@weather/core/measurements';
import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { type Database, rowsOf } from '../client';
import { type WeatherReadingRow, weatherReadings } from '../schema';
import { isoUtc, tstz } from './fragments';

/** One stored reading as the API returns it (SPEC §3 field names, ISO 8601 UTC times). */
export type ReadingRow = { station_id: string; timestamp: string } & Pick<
  WeatherReadingRow,
  Measurement
> & { received_at: string };

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

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
    ${isoUtc(sql`${r.receivedAt}`)} as received_at`;

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
  if (!Number.isInteger(p.limit) || p.limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${p.limit}`);
  }
  const after = p.cursor === undefined || p.cursor === null ? null : decodeCursor(p.cursor);
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
  const readings = rows.slice(0, p.limit);
  const last = readings.at(-1);
  const next_cursor = rows.length > p.limit && last ? encodeCursor(last.timestamp) : null;
  return { readings, next_cursor };
}

// The cursor is the last returned timestamp (stored at ms precision, so `ts > cursor` neither
// skips nor repeats a row), base64url-encoded so clients treat it as opaque.
const encodeCursor = (timestamp: string) => Buffer.from(timestamp, 'utf8').toString('base64url');

function decodeCursor(cursor: string): Date {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const ms = Date.parse(text);
  // Node's base64url decoder skips invalid characters, so the cursor must also re-encode to itself.
  if (Number.isNaN(ms) || new Date(ms).toISOString() !== text || encodeCursor(text) !== cursor) {
    throw new InvalidCursorError(
      'invalid cursor: it must be the next_cursor of a previous page, passed unchanged',
    );
  }
  return new Date(ms);
}
