import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../client';
import { weatherReadings } from '../schema';
import { isoUtc, tstz } from './fragments';
import {
  type MeasurementStatsSet,
  type PartialsRow,
  partialsFromRows,
  soundRows,
  statsFromPartials,
} from './measurement-stats';

export type { MeasurementStats, PrecipitationStats } from './measurement-stats';

export interface AggregateResult {
  station_id: string;
  start: string | null;
  end: string | null;
  count: number;
  first_timestamp: string | null;
  last_timestamp: string | null;
  measurements: MeasurementStatsSet;
}

/**
 * Count, min, max and average of each measurement of one station over [start, end), from raw
 * rows: one index range scan on the primary key, exact for any range (rollups would only be
 * exact for whole hours or days). Values with a suspect QC flag are left out and counted unless
 * `includeFlagged`.
 */
export async function getAggregate(
  db: Database,
  p: { stationId: string; start?: Date; end?: Date; includeFlagged?: boolean },
): Promise<AggregateResult> {
  const { stationId, ts } = weatherReadings;
  const rows = rowsOf<PartialsRow & { first: string | null; last: string | null }>(
    await db.execute(sql`
      select ${isoUtc(sql`min(ts)`)} as first, ${isoUtc(sql`max(ts)`)} as last, ${partialsFromRows}
      from (
        select ${soundRows(p)} from ${weatherReadings}
        where ${stationId} = ${p.stationId}
          ${p.start ? sql`and ${ts} >= ${tstz(p.start)}` : sql``}
          ${p.end ? sql`and ${ts} < ${tstz(p.end)}` : sql``}
      ) r
    `),
  );
  // An aggregate without GROUP BY always yields exactly one row.
  const row = rows[0] ?? { first: null, last: null };
  return {
    station_id: p.stationId,
    start: p.start?.toISOString() ?? null,
    end: p.end?.toISOString() ?? null,
    count: Number(row.readings ?? 0),
    first_timestamp: row.first,
    last_timestamp: row.last,
    measurements: statsFromPartials(row),
  };
}
