import type { RawFields } from '@weather/core/reading';
import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { type Database, rowsOf } from '../client';
import { rawUploads } from '../schema';
import { isoUtc } from './fragments';
import { type ReadingRow, r, readingColumns, readingsFrom } from './readings';

/** A station's raw upload (SPEC §13) beside the reading it was stored as. */
export interface RawUploadRow {
  station_id: string;
  protocol: string;
  /** The reading's timestamp (ISO 8601 UTC). */
  timestamp: string;
  received_at: string;
  /** Every field as sent, secrets removed. */
  fields: RawFields;
  /** Fields sent but not stored as a measurement, with the reason; null when none. */
  dropped: Record<string, string> | null;
  /** The stored reading; null only if it is gone (retention) while its raw upload is not. */
  reading: ReadingRow | null;
}

const u = alias(rawUploads, 'u');

/**
 * The station's newest raw upload by reading time, with its stored reading, or null when the
 * station never uploaded over a station protocol. Two primary-key lookups: the newest
 * `(station_id, ts)` of `raw_uploads` (a backward index scan, limit 1), then that key in
 * `weather_readings` — never a scan of either table.
 */
export async function lastRawUpload(db: Database, stationId: string): Promise<RawUploadRow | null> {
  const rows = rowsOf<RawUploadRow>(
    await db.execute(sql`
      select ${u.stationId} as station_id, ${u.protocol}, ${isoUtc(sql`${u.ts}`)} as "timestamp",
        ${isoUtc(sql`${u.receivedAt}`)} as received_at, ${u.fields}, ${u.dropped},
        -- As JSON, so the reading arrives nested with its numbers intact.
        case when stored.station_id is null then null else to_json(stored) end as reading
      from (
        select * from ${rawUploads}
        where ${rawUploads.stationId} = ${stationId}
        order by ${rawUploads.ts} desc
        limit 1
      ) ${sql.identifier('u')}
      left join lateral (
        select ${readingColumns}
        from ${readingsFrom}
        where ${r.stationId} = ${u.stationId} and ${r.ts} = ${u.ts}
        limit 1
      ) stored on true
    `),
  );
  return rows[0] ?? null;
}
