import {
  type Aggregation,
  type Catalogue,
  MEASUREMENTS,
  type Measurement,
  namesOf,
} from '@weather/core/measurements';
import {
  type Part,
  partialsFromRollups as partialsFromRollupsOf,
  partialsFromRows as partialsFromRowsOf,
  soundRowsSql,
} from '../rollups';
import { numberOrNull } from './fragments';

export interface MeasurementStats {
  count: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  /**
   * Values with a suspect QC flag (SPEC §14): left out of the other figures, unless the query
   * was asked to include flagged values.
   */
  flagged: number;
}

/** Statistics of a measurement that aggregates as a total: also its sum. */
export type SumStats = MeasurementStats & { sum: number | null };
export type PrecipitationStats = SumStats;

/** The statistics a measurement gets, by how it aggregates. */
export type StatsFor<A extends Aggregation> = A extends 'sum' ? SumStats : MeasurementStats;

export type MeasurementStatsOf<C extends Catalogue> = {
  [M in keyof C & string]: StatsFor<C[M]['aggregation']>;
};

export type MeasurementStatsSet = MeasurementStatsOf<typeof MEASUREMENTS>;

/*
 * Every statistic is computed from the partial sums the continuous aggregates store (see
 * ../rollups.ts), whether from raw rows or from rollups, and turned into averages in one place.
 */

/** Partial sums over rows of `soundRows`, for use in a grouped select. */
export const partialsFromRows = partialsFromRowsOf(MEASUREMENTS);

/**
 * `weather_readings` rows as the partial sums read them (select from it as an inner query):
 * flagged values are left out (and counted) unless `includeFlagged`.
 */
export const soundRows = (options: { includeFlagged?: boolean } = {}) =>
  options.includeFlagged ? withFlagged : withoutFlagged;
const withoutFlagged = soundRowsSql(MEASUREMENTS);
const withFlagged = soundRowsSql(MEASUREMENTS, { includeFlagged: true });

/** The same partial sums, combined from rows of `weather_readings_hourly` or `_daily`. */
export const partialsFromRollups = partialsFromRollupsOf(MEASUREMENTS);

/** A row of partial sums as the driver returns it (numeric and bigint may arrive as text). */
export type PartialsRow = { readings?: unknown } & {
  [K in `${Measurement}_${Part}`]?: unknown;
};

/**
 * Turns a row of partial sums into one measurement's statistics. Made once per measurement with
 * its column names spelled out, so a row costs property reads only (a time series converts
 * thousands of these per answer). `max` and `last` get the plain figures (their readers pick
 * `max`); for a `share_true` flag, whose partial sums are over 0/1, `avg` is the share of
 * readings with it set.
 */
function statsReader(
  name: string,
  aggregation: Aggregation,
): (row: Record<string, unknown>) => MeasurementStats | SumStats {
  const [countKey, sumKey, minKey, maxKey, flaggedKey, sinKey, cosKey] = [
    'count',
    'sum',
    'min',
    'max',
    'flagged',
    'sin_sum',
    'cos_sum',
  ].map((part) => `${name}_${part}`) as [string, string, string, string, string, string, string];
  return (row) => {
    const count = Number(row[countKey] ?? 0);
    const flagged = Number(row[flaggedKey] ?? 0);
    const sum = numberOrNull(row[sumKey]);
    const min = numberOrNull(row[minKey]);
    const max = numberOrNull(row[maxKey]);
    if (aggregation === 'circular_mean') {
      return { count, min, max, avg: circularMean(row[sinKey], row[cosKey], count), flagged };
    }
    const avg = count > 0 && sum !== null ? sum / count : null;
    if (aggregation === 'sum')
      return { count, min, max, avg, sum: count > 0 ? sum : null, flagged };
    return { count, min, max, avg, flagged };
  };
}

const readers = new WeakMap<Catalogue, [string, ReturnType<typeof statsReader>][]>();

/** Per-measurement statistics of `catalogue` from one row of partial sums. */
export function statsFromPartialsOf<C extends Catalogue>(
  catalogue: C,
  row: object,
): MeasurementStatsOf<C> {
  let read = readers.get(catalogue);
  if (!read) {
    read = namesOf(catalogue).map((name) => [
      name,
      statsReader(name, (catalogue[name] as Catalogue[string]).aggregation),
    ]);
    readers.set(catalogue, read);
  }
  const stats: Record<string, MeasurementStats> = {};
  for (const [name, readStats] of read) stats[name] = readStats(row as Record<string, unknown>);
  return stats as MeasurementStatsOf<C>;
}

/** Per-measurement statistics from one row of partial sums. */
export const statsFromPartials = (row: PartialsRow): MeasurementStatsSet =>
  statsFromPartialsOf(MEASUREMENTS, row);

/**
 * Mean of compass directions, in [0, 360): the direction of the summed unit vectors
 * (350° and 10° average to 0°, not 180°). Null when there are no values or they cancel out
 * (e.g. only 0° and 180°), where any single answer would be noise.
 */
export function circularMean(sinSum: unknown, cosSum: unknown, count: number): number | null {
  const s = numberOrNull(sinSum);
  const c = numberOrNull(cosSum);
  if (count === 0 || s === null || c === null || Math.hypot(s, c) < 1e-9 * count) return null;
  // A tiny negative angle rounds to exactly 360 here, which the modulo maps to 0.
  return ((Math.atan2(s, c) * 180) / Math.PI + 360) % 360;
}
