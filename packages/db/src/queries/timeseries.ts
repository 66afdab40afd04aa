import { type Catalogue, MEASUREMENTS, namesOf } from '@weather/core/measurements';
import { type SQL, sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../client';
import { weatherReadings } from '../schema';
import { isoUtc, tstz } from './fragments';
import {
  type MeasurementStatsOf,
  type PartialsRow,
  partialsFromRollups,
  partialsFromRows,
  soundRows,
  statsFromPartials,
} from './measurement-stats';
import { usesTimescale } from './uses-timescale';

/** Bucket widths in seconds. Each divides a day, so buckets align to UTC midnight. */
export const INTERVALS = {
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '1h': 3600,
  '6h': 21600,
  '1d': 86400,
} as const;

export type Interval = keyof typeof INTERVALS;

const INTERVAL_NAMES = Object.keys(INTERVALS) as Interval[];

/** A chart wants at least this many points; fewer looks blocky. */
const MIN_BUCKETS = 150;

/**
 * The coarsest interval that still splits the range into at least MIN_BUCKETS (150) buckets,
 * so a chart has enough points without reading more rows than it can show; '1m' when even
 * that gives fewer (ranges under 2.5 hours). E.g. 24 h → 5m (288), 7 d → 1h (168), 30 d → 1h
 * (720; 6h would give only 120), 1 year → 1d.
 */
export function chooseInterval(start: Date, end: Date): Interval {
  const seconds = (end.getTime() - start.getTime()) / 1000;
  const fitting = INTERVAL_NAMES.filter((name) => seconds / INTERVALS[name] >= MIN_BUCKETS);
  return fitting.at(-1) ?? '1m';
}

/** `start` rounded down and `end` rounded up to bucket boundaries (buckets start at UTC midnight). */
export function alignRange(start: Date, end: Date, interval: Interval): { start: Date; end: Date } {
  const step = intervalSeconds(interval) * 1000;
  return {
    start: new Date(Math.floor(start.getTime() / step) * step),
    end: new Date(Math.ceil(end.getTime() / step) * step),
  };
}

/** One time bucket of a catalogue's measurements; a measurement without values in the bucket is null. */
export type BucketOf<C extends Catalogue> = {
  /** Start of the bucket, ISO 8601 UTC. */
  bucket: string;
  count: number;
} & { [M in keyof C & string]: MeasurementStatsOf<C>[M] | null };

export type Bucket = BucketOf<typeof MEASUREMENTS>;

export interface TimeseriesResult {
  station_id: string;
  interval: Interval;
  start: string;
  end: string;
  source: 'raw' | 'continuous_aggregate';
  buckets: Bucket[];
}

/**
 * One station's readings in time buckets over the range widened to whole buckets, so the raw
 * and the continuous-aggregate paths cover the same rows and the first and last bucket are not
 * partial. Only buckets with readings are returned (the UI fills gaps). On TimescaleDB buckets
 * of an hour or more come from the continuous aggregates; otherwise from raw rows.
 */
export async function getTimeseries(db: Database, p: TimeseriesParams): Promise<TimeseriesResult> {
  const { query, range, source } = timeseriesQuery(p, await usesTimescale(db));
  const rows = rowsOf<PartialsRow & { bucket: string }>(await db.execute(query));
  return {
    station_id: p.stationId,
    interval: p.interval,
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    source,
    buckets: rows.map(toBucket),
  };
}

/** The statement `getTimeseries` runs (exported so benchmarks can time the same SQL directly). */
export function timeseriesQuery(
  p: TimeseriesParams,
  timescale: boolean,
): { query: SQL; range: Range; source: TimeseriesResult['source'] } {
  const range = alignRange(p.start, p.end, p.interval);
  // The rollups hold figures without flagged values only.
  const rollup = timescale && !p.includeFlagged ? rollupFor(p.interval) : null;
  return rollup
    ? {
        query: fromRollups(p.stationId, range, p.interval, rollup),
        range,
        source: 'continuous_aggregate',
      }
    : {
        query: fromRawRows(p.stationId, range, p.interval, p.includeFlagged),
        range,
        source: 'raw',
      };
}

type Range = { start: Date; end: Date };

export interface TimeseriesParams {
  stationId: string;
  start: Date;
  end: Date;
  interval: Interval;
  /** Put values with a suspect QC flag into the figures (computed from raw rows then). */
  includeFlagged?: boolean;
}

function fromRawRows(
  stationId: string,
  range: Range,
  interval: Interval,
  includeFlagged = false,
): SQL {
  // Literal, not a parameter: the same expression must appear in select and group by.
  const { stationId: station, ts } = weatherReadings;
  const bucket = sql.raw(
    `date_bin(interval '${intervalSeconds(interval)} seconds', ts, timestamptz '2000-01-01')`,
  );
  return sql`
    select ${isoUtc(bucket)} as bucket, ${partialsFromRows}
    from (
      select ${soundRows({ includeFlagged })} from ${weatherReadings}
      where ${station} = ${stationId} and ${ts} >= ${tstz(range.start)} and ${ts} < ${tstz(range.end)}
    ) r
    group by ${bucket}
    order by ${bucket}`;
}

// 6h buckets combine hourly rows; the daily view serves 1d. Finer intervals have no rollup.
function rollupFor(
  interval: Interval,
): 'weather_readings_hourly' | 'weather_readings_daily' | null {
  if (interval === '1d') return 'weather_readings_daily';
  return INTERVALS[interval] >= INTERVALS['1h'] ? 'weather_readings_hourly' : null;
}

function fromRollups(stationId: string, range: Range, interval: Interval, view: string): SQL {
  // The range is aligned to whole buckets of `interval`, hence to whole rows of the view.
  const bucket = sql.raw(`time_bucket(interval '${intervalSeconds(interval)} seconds', bucket)`);
  return sql`
    select ${isoUtc(bucket)} as bucket, ${partialsFromRollups}
    from ${sql.raw(view)}
    where station_id = ${stationId} and bucket >= ${tstz(range.start)} and bucket < ${tstz(range.end)}
    group by ${bucket}
    order by ${bucket}`;
}

const MEASUREMENT_NAMES = namesOf(MEASUREMENTS);

function toBucket(row: PartialsRow & { bucket: string }): Bucket {
  const stats = statsFromPartials(row);
  const bucket: Record<string, unknown> = { bucket: row.bucket, count: Number(row.readings) };
  for (const m of MEASUREMENT_NAMES) bucket[m] = stats[m].count > 0 ? stats[m] : null;
  return bucket as Bucket;
}

/** Seconds of an interval; throws for a name that is not one (callers may pass unchecked input). */
function intervalSeconds(interval: Interval): number {
  if (!Object.hasOwn(INTERVALS, interval)) {
    throw new RangeError(`unknown interval "${interval}": use one of ${INTERVAL_NAMES.join(', ')}`);
  }
  return INTERVALS[interval];
}
