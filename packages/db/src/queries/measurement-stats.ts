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
} from '../rollups';
import { weatherReadings } from '../schema';
import { numberOrNull } from './fragments';

export interface MeasurementStats {
  count: number;
  min: number | null;
  max: number | null;
  avg: number | null;
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

/** Partial sums over raw `weather_readings` rows, for use in a grouped select. */
export const partialsFromRows = partialsFromRowsOf(MEASUREMENTS, (m) => weatherReadings[m]);

/** The same partial sums, combined from rows of `weather_readings_hourly` or `_daily`. */
export const partialsFromRollups = partialsFromRollupsOf(MEASUREMENTS);

/** A row of partial sums as the driver returns it (numeric and bigint may arrive as text). */
export type PartialsRow = { readings?: unknown } & {
  [K in `${Measurement}_${Part}`]?: unknown;
};

/**
 * The mean of one measurement from its partial sums, by its aggregation kind. `max`, `last` and
 * `share_true` have no measurement yet and get the plain mean until one needs its own statistic.
 */
function mean(
  aggregation: Aggregation,
  name: string,
  row: Record<string, unknown>,
  count: number,
  sum: number | null,
) {
  if (aggregation === 'circular_mean') {
    return circularMean(row[`${name}_sin_sum`], row[`${name}_cos_sum`], count);
  }
  return count > 0 && sum !== null ? sum / count : null;
}

/** Statistics of one measurement from a row of partial sums; no values gives count 0 and nulls. */
function statsOf(catalogue: Catalogue, name: string, row: Record<string, unknown>) {
  const { aggregation } = catalogue[name] as Catalogue[string];
  const count = Number(row[`${name}_count`] ?? 0);
  const sum = numberOrNull(row[`${name}_sum`]);
  const stats: MeasurementStats = {
    count,
    min: numberOrNull(row[`${name}_min`]),
    max: numberOrNull(row[`${name}_max`]),
    avg: mean(aggregation, name, row, count, sum),
  };
  return aggregation === 'sum' ? { ...stats, sum: count > 0 ? sum : null } : stats;
}

/** Per-measurement statistics of `catalogue` from one row of partial sums. */
export function statsFromPartialsOf<C extends Catalogue>(
  catalogue: C,
  row: object,
): MeasurementStatsOf<C> {
  const values = row as Record<string, unknown>;
  return Object.fromEntries(
    namesOf(catalogue).map((name) => [name, statsOf(catalogue, name, values)]),
  ) as MeasurementStatsOf<C>;
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
