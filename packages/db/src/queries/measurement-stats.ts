import { MEASUREMENT_NAMES, type Measurement } from '@weather/core/reading';
import { sql } from 'drizzle-orm';
import { numberOrNull } from './fragments';

export interface MeasurementStats {
  count: number;
  min: number | null;
  max: number | null;
  avg: number | null;
}

export type PrecipitationStats = MeasurementStats & { sum: number | null };

export type MeasurementStatsSet = { [M in Measurement]: MeasurementStats } & {
  precipitation: PrecipitationStats;
};

/*
 * Every statistic is computed as the partial sums the continuous aggregates store (count, sum,
 * min, max per measurement; sin/cos sums of wind direction), whether from raw rows or from
 * rollups, and turned into averages in one place. So raw rows and continuous aggregates give the
 * same numbers, and coarser buckets combine exactly: avg = sum(sum) / sum(count).
 */

/** Partial sums over raw `weather_readings` rows, for use in a grouped select. */
export const partialsFromRows = sql.raw(
  [
    'count(*) as readings',
    ...MEASUREMENT_NAMES.map(
      (m) =>
        `count(${m}) as ${m}_count, sum(${m}) as ${m}_sum, min(${m}) as ${m}_min, max(${m}) as ${m}_max`,
    ),
    'sum(sin(radians(wind_direction))) as wind_direction_sin_sum',
    'sum(cos(radians(wind_direction))) as wind_direction_cos_sum',
  ].join(',\n'),
);

/** The same partial sums, combined from rows of `weather_readings_hourly` or `_daily`. */
export const partialsFromRollups = sql.raw(
  [
    'sum(readings) as readings',
    ...MEASUREMENT_NAMES.map(
      (m) =>
        `sum(${m}_count) as ${m}_count, sum(${m}_sum) as ${m}_sum, min(${m}_min) as ${m}_min, max(${m}_max) as ${m}_max`,
    ),
    'sum(wind_direction_sin_sum) as wind_direction_sin_sum',
    'sum(wind_direction_cos_sum) as wind_direction_cos_sum',
  ].join(',\n'),
);

export type PartialsRow = Record<string, unknown>;

/** Per-measurement statistics from one row of partial sums; a measurement with no values has count 0 and nulls. */
export function statsFromPartials(row: PartialsRow): MeasurementStatsSet {
  const entries = MEASUREMENT_NAMES.map((m) => {
    const count = Number(row[`${m}_count`] ?? 0);
    const sum = numberOrNull(row[`${m}_sum`]);
    const avg =
      m === 'wind_direction'
        ? circularMean(row.wind_direction_sin_sum, row.wind_direction_cos_sum, count)
        : count > 0 && sum !== null
          ? sum / count
          : null;
    const stats: MeasurementStats = {
      count,
      min: numberOrNull(row[`${m}_min`]),
      max: numberOrNull(row[`${m}_max`]),
      avg,
    };
    return [m, m === 'precipitation' ? { ...stats, sum: count > 0 ? sum : null } : stats];
  });
  return Object.fromEntries(entries) as MeasurementStatsSet;
}

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
