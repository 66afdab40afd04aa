import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { type Database, rowsOf } from '../client';
import { stations } from '../schema';
import { isoUtc, numberOrNull } from './fragments';
import { r, readingsFrom } from './readings';

const s = alias(stations, 's');

export interface Sparkline {
  station_id: string;
  points: { t: string; temperature: number | null }[];
}

/**
 * Each station's average temperature over its last hour of data, in 5-minute buckets, for the
 * stations table. One index range scan per station (its primary-key prefix), never a scan of
 * all readings; a station that went quiet shows its last hour, not an empty line.
 */
export async function listSparklines(db: Database): Promise<Sparkline[]> {
  const rows = rowsOf<{ station_id: string; t: string; temperature: unknown }>(
    await db.execute(sql`
      select ${s.id} as station_id, ${isoUtc(sql`b.bucket`)} as t, b.temperature
      from ${stations} ${sql.identifier('s')}
      cross join lateral (
        select date_bin(interval '5 minutes', ${r.ts}, timestamptz '2000-01-01') as bucket,
               avg(${r.temperature}) as temperature
        from ${readingsFrom}
        where ${r.stationId} = ${s.id} and ${r.ts} > ${s.lastReadingAt} - interval '1 hour'
        group by 1
      ) b
      order by ${s.id}, b.bucket`),
  );
  const byStation = new Map<string, Sparkline>();
  for (const row of rows) {
    let line = byStation.get(row.station_id);
    if (!line) {
      line = { station_id: row.station_id, points: [] };
      byStation.set(row.station_id, line);
    }
    line.points.push({ t: row.t, temperature: numberOrNull(row.temperature) });
  }
  return [...byStation.values()];
}
