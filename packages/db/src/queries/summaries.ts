/*
 * Daily and monthly summaries of one station in its local time (climate-style figures): one
 * statement that range-scans the primary key over the local dates asked for and groups the rows
 * by local day or month. Doubtful values are left out by the one definition in `suspectSql`.
 */
import { completeness, expectedIn } from '@weather/core/health';
import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../client';
import { suspectSql } from '../rollups';
import { weatherReadings } from '../schema';
import { isoUtc, numberOrNull } from './fragments';

/** The figures of one station-local day or month. */
export interface PeriodSummary {
  /** The local day (`YYYY-MM-DD`) or month (`YYYY-MM`). */
  period: string;
  /** The period's bounds, ISO 8601 UTC; `end` is exclusive (a DST day is 23 or 25 hours). */
  start: string;
  end: string;
  /** Rows stored in the period. */
  readings: number;
  /** Extremes with the time of the reading that had them (the earliest on ties), and the mean. */
  temperature: {
    min: number | null;
    min_at: string | null;
    max: number | null;
    max_at: string | null;
    mean: number | null;
  };
  /** Sum of `precipitation`; null when the period has no value of it. */
  rain_total: number | null;
  /** The highest gust, when it was, and the wind direction of that same reading. */
  gust: { max: number | null; at: string | null; direction: number | null };
  /** Readings ÷ expected readings (up to now for the current period), capped at 1. */
  completeness: number | null;
  /** Values of temperature, precipitation and wind gust left out as doubtful. */
  flagged: number;
}

const PERIODS = {
  day: { unit: 'day', format: 'YYYY-MM-DD' },
  month: { unit: 'month', format: 'YYYY-MM' },
} as const;

/** A measurement's value when sound, else null; and the value when doubtful, else null. */
const sound = (m: string) => sql.raw(`case when ${suspectSql(m)} then null else ${m} end`);
const doubtful = (m: string) => sql.raw(`case when ${suspectSql(m)} then ${m} end`);

interface SummaryRow {
  period: string;
  start: string;
  end: string;
  readings: unknown;
  t_min: unknown;
  t_min_at: string | null;
  t_max: unknown;
  t_max_at: string | null;
  t_mean: unknown;
  rain_total: unknown;
  gust_max: unknown;
  gust_at: string | null;
  gust_direction: unknown;
  flagged: unknown;
}

/**
 * Per local day or month of a station, from local date `from` to `to` inclusive (for months, any
 * day inside the first and last month), the temperature extremes and mean, rain total, highest
 * gust, completeness and count of doubtful values left out; only periods with readings, oldest
 * first. Periods are cut at local midnight in `timezone` (an IANA name, sent as a parameter),
 * because a station's day is what its users mean by "today's high". `intervalS` is the
 * station's expected seconds between readings, for completeness (null when not positive).
 */
export async function stationSummaries(
  db: Database,
  p: {
    stationId: string;
    from: string;
    to: string;
    period: 'day' | 'month';
    timezone: string;
    intervalS: number;
  },
): Promise<PeriodSummary[]> {
  const period = PERIODS[p.period];
  if (!period) throw new RangeError(`unknown summary period: ${String(p.period)}`);
  const w = weatherReadings;
  // Unit, step and format come from PERIODS, never from the caller; the zone is a parameter.
  const unit = sql.raw(`'${period.unit}'`);
  const step = sql.raw(`interval '1 ${period.unit}'`);
  const tz = sql`${p.timezone}::text`;
  const localStart = (date: string) => sql`date_trunc(${unit}, (${date}::date)::timestamp)`;
  // The timezone parameter appears several times, so the grouping key is computed in a subquery
  // and grouped by name (PostgreSQL would not match `ts at time zone $1` with `... $7`).
  const rows = rowsOf<SummaryRow>(
    await db.execute(sql`
      select to_char(local, ${sql.raw(`'${period.format}'`)}) as period,
        ${isoUtc(sql`local at time zone ${tz}`)} as start,
        ${isoUtc(sql`(local + ${step}) at time zone ${tz}`)} as "end",
        count(*) as readings,
        min(t) as t_min,
        ${isoUtc(sql`(array_agg(ts order by t, ts) filter (where t is not null))[1]`)} as t_min_at,
        max(t) as t_max,
        ${isoUtc(sql`(array_agg(ts order by t desc, ts) filter (where t is not null))[1]`)} as t_max_at,
        avg(t) as t_mean,
        sum(rain) as rain_total,
        max(gust) as gust_max,
        ${isoUtc(sql`(array_agg(ts order by gust desc, ts) filter (where gust is not null))[1]`)} as gust_at,
        (array_agg(direction order by gust desc, ts) filter (where gust is not null))[1]
          as gust_direction,
        count(t_doubtful) + count(rain_doubtful) + count(gust_doubtful) as flagged
      from (
        select ${w.ts} as ts,
          date_trunc(${unit}, ${w.ts} at time zone ${tz}) as local,
          ${sound('temperature')} as t,
          ${sound('precipitation')} as rain,
          ${sound('wind_gust')} as gust,
          ${sound('wind_direction')} as direction,
          ${doubtful('temperature')} as t_doubtful,
          ${doubtful('precipitation')} as rain_doubtful,
          ${doubtful('wind_gust')} as gust_doubtful
        from ${w}
        where ${w.stationId} = ${p.stationId}
          and ${w.ts} >= ${localStart(p.from)} at time zone ${tz}
          and ${w.ts} < (${localStart(p.to)} + ${step}) at time zone ${tz}
      ) local_rows
      group by local
      order by local
    `),
  );
  const nowMs = Date.now();
  return rows.map((row) => {
    const readings = Number(row.readings);
    const startMs = Date.parse(row.start);
    const elapsedS = (Math.min(nowMs, Date.parse(row.end)) - startMs) / 1000;
    return {
      period: row.period,
      start: row.start,
      end: row.end,
      readings,
      temperature: {
        min: numberOrNull(row.t_min),
        min_at: row.t_min_at,
        max: numberOrNull(row.t_max),
        max_at: row.t_max_at,
        mean: numberOrNull(row.t_mean),
      },
      rain_total: numberOrNull(row.rain_total),
      gust: {
        max: numberOrNull(row.gust_max),
        at: row.gust_at,
        direction: numberOrNull(row.gust_direction),
      },
      completeness:
        p.intervalS > 0 ? completeness(readings, expectedIn(elapsedS, p.intervalS)) : null,
      flagged: Number(row.flagged),
    };
  });
}
