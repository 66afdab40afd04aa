/*
 * Station health (SPEC §17) from what is stored or kept on ingest, never by counting a station's
 * readings: `stations.last_seen` (kept by the ingest statement), the station's newest readings
 * (an index scan of at most HEALTH.recentReadings rows on the primary key, for the learned
 * interval, the clock skew and the battery) and `station_days` (readings per local day, kept by
 * the ingest statement). The cost grows with the number of stations, not of readings. The state
 * itself is decided by `@weather/core/health` from these facts.
 */
import { HEALTH, type StationHealthFacts } from '@weather/core/health';
import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../client';
import { stationDays, stations, weatherReadings } from '../schema';
import { isoUtc, numberOrNull, tstz } from './fragments';

export type { StationHealthFacts };

const s = stations;

/**
 * Health facts of every station (or the given ones), by id. One row per station: a lateral
 * index scan over its newest readings and a primary-key lookup of today's count.
 */
export async function stationHealthFacts(
  db: Database,
  p: { now: Date; stationIds?: string[] },
): Promise<StationHealthFacts[]> {
  const now = tstz(p.now);
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select ${s.id} as station_id, ${s.name}, ${s.tags}, ${s.timezone},
        ${s.expectedIntervalS} as expected_interval_s,
        ${isoUtc(sql`${s.lastSeen}`)} as last_seen,
        ${isoUtc(sql`${s.lastReadingAt}`)} as last_reading_at,
        recent.learned_interval_s, recent.clock_skew_s, recent.battery_low,
        coalesce(today.readings, 0) as readings_today,
        extract(epoch from (${now} at time zone ${s.timezone})
          - date_trunc('day', ${now} at time zone ${s.timezone})) as day_elapsed_s
      from ${stations}
      left join lateral (
        select
          percentile_cont(0.5) within group (order by gap_s) as learned_interval_s,
          percentile_cont(0.5) within group (order by skew_s)
            filter (where received_at > ${now} - interval '1 hour') as clock_skew_s,
          (array_agg(battery_low order by ts desc) filter (where battery_low is not null))[1]
            as battery_low
        from (
          select ts, received_at, battery_low,
            extract(epoch from ts - lag(ts) over (order by ts)) as gap_s,
            extract(epoch from received_at - ts) as skew_s
          from (
            select ${weatherReadings.ts} as ts, ${weatherReadings.receivedAt} as received_at,
              ${weatherReadings.battery_low} as battery_low
            from ${weatherReadings}
            where ${weatherReadings.stationId} = ${s.id}
            order by ${weatherReadings.ts} desc
            limit ${HEALTH.recentReadings}
          ) newest
        ) spaced
      ) recent on true
      left join ${stationDays} today
        on today.station_id = ${s.id}
        and today.day = (${now} at time zone ${s.timezone})::date
      ${p.stationIds ? sql`where ${s.id} = any(${sql.param(p.stationIds)}::text[])` : sql``}
      order by ${s.id}
    `),
  );
  return rows.map((row) => ({
    station_id: row.station_id as string,
    name: row.name as string | null,
    tags: row.tags as string[],
    timezone: row.timezone as string,
    expected_interval_s: numberOrNull(row.expected_interval_s),
    learned_interval_s: numberOrNull(row.learned_interval_s),
    last_seen: row.last_seen as string | null,
    last_reading_at: row.last_reading_at as string | null,
    clock_skew_s: numberOrNull(row.clock_skew_s),
    battery_low: row.battery_low as boolean | null,
    readings_today: Number(row.readings_today),
    day_elapsed_s: Number(row.day_elapsed_s),
  }));
}

/** Readings stored per station-local day, newest first, for the days from `since` (a local date). */
export async function readingsPerDay(
  db: Database,
  stationId: string,
  since: string,
): Promise<{ day: string; readings: number }[]> {
  const rows = rowsOf<{ day: string; readings: number }>(
    await db.execute(sql`
      select to_char(${stationDays.day}, 'YYYY-MM-DD') as day, ${stationDays.readings} as readings
      from ${stationDays}
      where ${stationDays.stationId} = ${stationId} and ${stationDays.day} >= ${since}::date
      order by ${stationDays.day} desc
    `),
  );
  return rows.map((row) => ({ day: row.day, readings: Number(row.readings) }));
}

export interface Gap {
  /** The last reading before the silence. */
  start: string;
  /** The first reading after it; null while the station is still silent. */
  end: string | null;
  seconds: number;
}

/**
 * A station's silences longer than `minSeconds` between readings from `start` on, newest first
 * (at most `limit`): one index range scan over its readings of the range.
 */
export async function readingGaps(
  db: Database,
  p: { stationId: string; start: Date; minSeconds: number; limit: number },
): Promise<Gap[]> {
  const w = weatherReadings;
  const rows = rowsOf<{ start: string; end: string; seconds: number }>(
    await db.execute(sql`
      select ${isoUtc(sql`previous`)} as start, ${isoUtc(sql`ts`)} as "end",
        extract(epoch from ts - previous) as seconds
      from (
        select ${w.ts} as ts, lag(${w.ts}) over (order by ${w.ts}) as previous
        from ${w}
        where ${w.stationId} = ${p.stationId} and ${w.ts} >= ${tstz(p.start)}
      ) spaced
      where ts - previous > make_interval(secs => ${p.minSeconds})
      order by ts desc
      limit ${p.limit}
    `),
  );
  return rows.map((row) => ({ start: row.start, end: row.end, seconds: Number(row.seconds) }));
}
