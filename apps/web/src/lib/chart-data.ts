import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@weather/api';
import {
  flagNames,
  MEASUREMENTS,
  type Measurement,
  type MeasurementSpec,
} from '@weather/core/measurements';
import {
  decimalsFor,
  type NamesWithAggregation,
  type NamesWithChart,
  namesWithAggregation,
} from './catalogue';

type Outputs = inferRouterOutputs<AppRouter>;
export type TimeseriesResult = Outputs['weather']['timeseries'];
export type Bucket = TimeseriesResult['buckets'][number];
export type Interval = TimeseriesResult['interval'];
export type AggregateResult = Outputs['weather']['aggregate'];
export type ReadingRow = Outputs['weather']['readings']['readings'][number];
export type QcFlagRow = Outputs['weather']['flags']['flags'][number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Bucket widths of the timeseries procedure (its INTERVALS, in ms; the keys are checked against its type). */
export const INTERVAL_MS = {
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '1h': HOUR,
  '6h': 6 * HOUR,
  '1d': DAY,
} as const satisfies Record<Interval, number>;

export const INTERVAL_NAMES = Object.keys(INTERVAL_MS) as Interval[];

export const INTERVAL_LABELS: Record<Interval, string> = {
  '1m': '1 min',
  '5m': '5 min',
  '15m': '15 min',
  '1h': '1 hour',
  '6h': '6 hours',
  '1d': '1 day',
};

// ---------------------------------------------------------------------------------------------
// Buckets → chart points

/** One slot of the time axis: the bucket starting at `t`, or null when it had no readings. */
export interface Slot {
  t: number;
  bucket: Bucket | null;
}

/** Refuses to build absurd axes (the API allows at most 10,000 buckets per answer). */
const MAX_SLOTS = 20_000;

/**
 * Every bucket slot of [start, end), with the server's buckets in place and null where a bucket
 * is missing, so charts break the line there instead of drawing straight across the gap. The API
 * returns only buckets with readings, aligned to multiples of the interval.
 */
export function fillGaps(
  buckets: readonly Bucket[],
  range: { start: number; end: number },
  intervalMs: number,
): Slot[] {
  const byTime = new Map(buckets.map((b) => [Date.parse(b.bucket), b]));
  const first = Math.floor(range.start / intervalMs) * intervalMs;
  const slots: Slot[] = [];
  for (let t = first; t < range.end && slots.length < MAX_SLOTS; t += intervalMs) {
    slots.push({ t, bucket: byTime.get(t) ?? null });
    byTime.delete(t);
  }
  // A bucket off the grid (should not happen) is still shown rather than dropped.
  if (byTime.size > 0) {
    for (const [t, bucket] of byTime) slots.push({ t, bucket });
    slots.sort((a, b) => a.t - b.t);
  }
  return slots;
}

/** A point of an average-with-range chart; nulls are gaps. */
export interface BandPoint {
  t: number;
  avg: number | null;
  /** [min, max] of the bucket, drawn as a ranged area. */
  band: [number, number] | null;
  count: number;
}

/** Measurements drawn as an average over their min–max band. */
export type BandMeasurement = NamesWithChart<typeof MEASUREMENTS, 'band'>;
/** Measurements that add up over a bucket: they have a total. */
export type SumMeasurement = NamesWithAggregation<typeof MEASUREMENTS, 'sum'>;
/** Compass directions: averaged on the circle, shown as compass points. */
export type DirectionMeasurement = NamesWithAggregation<typeof MEASUREMENTS, 'circular_mean'>;

const [FIRST_SUM] = namesWithAggregation(MEASUREMENTS, 'sum');
const [FIRST_DIRECTION] = namesWithAggregation(MEASUREMENTS, 'circular_mean');
const DIRECTIONS: ReadonlySet<string> = new Set(
  namesWithAggregation(MEASUREMENTS, 'circular_mean'),
);

/** The min–max band of a bucket's statistics, or null unless both ends are known. */
export function toBand(
  stats: { min: number | null; max: number | null } | null,
): [number, number] | null {
  if (!stats || stats.min === null || stats.max === null) return null;
  return stats.min <= stats.max ? [stats.min, stats.max] : [stats.max, stats.min];
}

/** {t, avg, band: [min, max]} per slot for one measurement. */
export function bandSeries(slots: readonly Slot[], measurement: BandMeasurement): BandPoint[] {
  return slots.map(({ t, bucket }) => {
    const stats = bucket?.[measurement] ?? null;
    return { t, avg: stats?.avg ?? null, band: toBand(stats), count: stats?.count ?? 0 };
  });
}

/** A value left out as doubtful (SPEC §14), drawn as a mark at its own time and value. */
export interface FlaggedPoint {
  t: number;
  flagged: number;
  codes: string;
}

/** The flagged numeric values of one measurement, from a station's flags of the range. */
export function flaggedSeries(
  flags: readonly QcFlagRow[],
  measurement: Measurement,
): FlaggedPoint[] {
  return flags.flatMap((f) =>
    f.measurement === measurement && typeof f.value === 'number'
      ? [{ t: Date.parse(f.timestamp), flagged: f.value, codes: f.codes.map(qcWord).join(', ') }]
      : [],
  );
}

/** A QC code as words (SPEC §14), to follow a measurement's label: "Temperature spike". */
export const QC_WORDS: Record<string, string> = {
  range: 'out of range, dropped',
  derived: 'derived',
  counter_reset: 'across a rain counter reset',
  spike: 'spike',
  persistence: 'stuck for hours',
  clock: 'station clock off',
};
export const qcWord = (code: string) => QC_WORDS[code] ?? code;

export interface SumPoint {
  t: number;
  sum: number | null;
}

/** A total per slot (precipitation by default): the bucket's sum, null where there is no reading. */
export function sumSeries(
  slots: readonly Slot[],
  measurement: SumMeasurement | undefined = FIRST_SUM,
): SumPoint[] {
  return slots.map(({ t, bucket }) => ({
    t,
    sum: measurement ? (bucket?.[measurement]?.sum ?? null) : null,
  }));
}

/** Flags drawn as the share of readings per bucket where they were set. */
export type ShareMeasurement = NamesWithAggregation<typeof MEASUREMENTS, 'share_true'>;

export interface SharePoint {
  t: number;
  /** Percent of the bucket's readings with the flag set; null where it has no reading of it. */
  percent: number | null;
}

/** The share of readings per slot with a flag set (a low battery), in percent. */
export function shareSeries(slots: readonly Slot[], measurement: ShareMeasurement): SharePoint[] {
  return slots.map(({ t, bucket }) => {
    const share = bucket?.[measurement]?.avg ?? null;
    return { t, percent: share === null ? null : share * 100 };
  });
}

/** `sumSeries` of the catalogue's first total, under the name its tests use. */
export const precipitationSeries = sumSeries;

export interface DirectionPoint {
  t: number;
  dir: number | null;
  /** True for the points added where the line leaves through N and comes back on the other edge. */
  edge: boolean;
}

/**
 * Mean wind direction per slot, for a line on a 0–360° axis. Where consecutive means cross north
 * (e.g. 350° → 10°, the short way round), the line runs off the top edge and re-enters at the
 * bottom, with a break between, instead of a vertical jump across the whole chart.
 */
export function directionSeries(
  slots: readonly Slot[],
  measurement: DirectionMeasurement | undefined = FIRST_DIRECTION,
): DirectionPoint[] {
  const points: DirectionPoint[] = [];
  let previous: { t: number; dir: number } | null = null;
  for (const { t, bucket } of slots) {
    const dir = measurement ? (bucket?.[measurement]?.avg ?? null) : null;
    if (dir !== null && previous) {
      const delta = dir - previous.dir;
      if (Math.abs(delta) > 180) {
        // Clockwise through north when the direction drops (350 → 10), anticlockwise otherwise.
        const clockwise = delta < 0;
        const travel = clockwise ? 360 - previous.dir + dir : previous.dir + 360 - dir;
        const toNorth = clockwise ? 360 - previous.dir : previous.dir;
        const at = previous.t + ((t - previous.t) * toNorth) / travel;
        points.push(
          { t: at, dir: clockwise ? 360 : 0, edge: true },
          { t: at, dir: null, edge: true },
          { t: at, dir: clockwise ? 0 : 360, edge: true },
        );
      }
    }
    points.push({ t, dir, edge: false });
    previous = dir === null ? null : { t, dir };
  }
  return points;
}

/**
 * Indexes of values with no non-null neighbour: a line cannot draw them (a segment needs two
 * points), so the chart marks them with a dot.
 */
export function isolatedIndexes(values: readonly (number | null)[]): Set<number> {
  const isolated = new Set<number>();
  values.forEach((value, i) => {
    if (value === null) return;
    const before = i > 0 ? values[i - 1] : null;
    const after = i < values.length - 1 ? values[i + 1] : null;
    if ((before ?? null) === null && (after ?? null) === null) isolated.add(i);
  });
  return isolated;
}

/** A value axis: its domain, round tick values and the decimals that tell them apart. */
export interface ValueScale {
  domain: [number, number];
  ticks: number[];
  decimals: number;
}

/**
 * A value axis for the given values: about `count` ticks at a round step (1, 2, 2.5 or 5 times
 * a power of ten), with a domain from tick to tick, so labels never repeat ("1014, 1014") and
 * never show noise digits. `floor` is a value the axis must include (0 for wind speed).
 */
export function niceScale(
  values: readonly number[],
  { floor, count = 5 }: { floor?: number; count?: number } = {},
): ValueScale | null {
  const finite = values.filter(Number.isFinite);
  if (floor !== undefined) finite.push(floor);
  if (finite.length === 0) return null;
  let lo = finite.reduce((a, b) => Math.min(a, b));
  let hi = finite.reduce((a, b) => Math.max(a, b));
  if (hi === lo) {
    // A flat series still gets an axis around its value.
    const pad = Math.abs(hi) >= 10 ? Math.abs(hi) * 0.01 : 1;
    lo = floor !== undefined ? Math.max(floor, lo - pad) : lo - pad;
    hi += pad;
  }
  const rough = (hi - lo) / Math.max(count - 1, 1);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough * (1 - 1e-9)) ??
    10 * magnitude) as number;
  let decimals = 0;
  while (
    decimals < 6 &&
    Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-6
  ) {
    decimals++;
  }
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toFixed(decimals)));
  return { domain: [ticks[0] ?? lo, ticks.at(-1) ?? hi], ticks, decimals };
}

// ---------------------------------------------------------------------------------------------
// Values and units

const DECIMALS = decimalsFor(MEASUREMENTS);

const COMPASS = [
  'N',
  'NNE',
  'NE',
  'ENE',
  'E',
  'ESE',
  'SE',
  'SSE',
  'S',
  'SSW',
  'SW',
  'WSW',
  'W',
  'WNW',
  'NW',
  'NNW',
] as const;

/** 22 → "NNE", 359 → "N": the nearest of 16 compass points. */
export function compassPoint(degrees: number): string {
  const normalised = ((degrees % 360) + 360) % 360;
  return COMPASS[Math.round(normalised / 22.5) % 16] ?? 'N';
}

const WIND_WORDS: Record<string, string> = { N: 'north', E: 'east', S: 'south', W: 'west' };

/** 151 → "south-southeast", 45 → "northeast": a direction in words. */
export function compassName(degrees: number | null): string {
  if (degrees === null || !Number.isFinite(degrees)) return '–';
  const words = [...compassPoint(degrees)].map((letter) => WIND_WORDS[letter] ?? letter);
  return words.length === 3 ? `${words[0]}-${words[1]}${words[2]}` : words.join('');
}

/** The unit of a measurement, from the one definition in @weather/core. */
export const unitOf = (measurement: Measurement): string => MEASUREMENTS[measurement].unit;

export const labelOf = (measurement: Measurement): string => MEASUREMENTS[measurement].label;

/** A compass direction: shown as a compass point, without min and max. */
export const isDirection = (measurement: Measurement) => DIRECTIONS.has(measurement);

const FLAGS: ReadonlySet<string> = new Set(flagNames(MEASUREMENTS));
/** A flag (battery low): a reading's value is yes or no, a bucket's the share of readings with it set. */
export const isFlagMeasurement = (measurement: Measurement) => FLAGS.has(measurement);

/**
 * The value alone, at the measurement's precision ("12.3", "71", "NNE 22°" for direction); a
 * flag's reading "yes" or "no", and its share over a bucket or range as a percentage ("25%").
 */
export function formatNumber(measurement: Measurement, value: number | boolean | null): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value === null || !Number.isFinite(value)) return '–';
  if (isFlagMeasurement(measurement)) return `${Math.round(value * 100)}%`;
  if (isDirection(measurement)) {
    const degrees = Math.round(((value % 360) + 360) % 360) % 360;
    return `${compassPoint(degrees)} ${degrees}°`;
  }
  // Avoids "-0.0" for values that round to zero.
  const text = value.toFixed(DECIMALS[measurement]);
  return Number(text) === 0 ? (0).toFixed(DECIMALS[measurement]) : text;
}

/** A flag's state in words ("battery low", "battery OK"), from the catalogue. */
export function flagText(measurement: Measurement, value: boolean): string {
  const spec: MeasurementSpec = MEASUREMENTS[measurement];
  const [off, on] = spec.states ?? [`not ${spec.label.toLowerCase()}`, spec.label.toLowerCase()];
  return value ? on : off;
}

/** A value with its unit: "12.3 °C", "71%", "1013.2 hPa", "NNE 22°"; "–" for no value. */
export function formatValue(measurement: Measurement, value: number | boolean | null): string {
  const number = formatNumber(measurement, value);
  if (number === '–' || isDirection(measurement) || isFlagMeasurement(measurement)) return number;
  const unit = unitOf(measurement);
  return unit === '%' || unit === '' ? `${number}${unit}` : `${number} ${unit}`;
}

// ---------------------------------------------------------------------------------------------
// Time axis (UTC throughout: the same on the server and in every browser)

const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** "06:20" (UTC). */
export const formatClock = (t: number) => {
  const d = new Date(t);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
};

/** "Nov 28" (UTC). */
export const formatDay = (t: number) => {
  const d = new Date(t);
  return `${MONTHS[d.getUTCMonth()] ?? ''} ${d.getUTCDate()}`;
};

/** "2026-11-28 06:21:42" (UTC), for tables and exact instants. */
export function formatDateTime(value: number | string): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '–';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** "Nov 28 06:20–06:25 UTC" for a bucket; a day bucket is just "Nov 28 UTC". */
export function formatBucket(t: number, intervalMs: number): string {
  if (intervalMs >= DAY) return `${formatDay(t)} UTC`;
  return `${formatDay(t)} ${formatClock(t)}–${formatClock(t + intervalMs)} UTC`;
}

const TICK_STEPS = [
  MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  28 * DAY,
] as const;

// 1970-01-01 was a Thursday; week ticks fall on Mondays.
const WEEK_OFFSET = 4 * DAY;

/**
 * Tick positions for a UTC time axis over [start, end]: round times (whole hours, midnights,
 * Mondays) with the smallest step that gives at most `maxTicks` ticks.
 */
export function timeTicks(
  start: number,
  end: number,
  maxTicks = 6,
): { ticks: number[]; step: number } {
  const span = Math.max(end - start, 1);
  const step = TICK_STEPS.find((s) => span / s <= maxTicks) ?? (TICK_STEPS.at(-1) as number);
  const offset = step >= 7 * DAY ? WEEK_OFFSET : 0;
  const ticks: number[] = [];
  for (let t = Math.ceil((start - offset) / step) * step + offset; t <= end; t += step) {
    ticks.push(t);
  }
  return { ticks, step };
}

/** A tick label: the clock for steps under a day ("06:00"), with midnight shown as its date; dates otherwise. */
export function formatTick(t: number, step: number): string {
  if (step >= DAY || t % DAY === 0) return formatDay(t);
  return formatClock(t);
}

/**
 * The CSS variable holding a measurement's chart colour ("var(--chart-wind-speed)"), falling
 * back to a neutral series colour for a measurement the stylesheet does not know yet.
 */
export const colorOf = (measurement: string): string =>
  `var(--chart-${measurement.replaceAll('_', '-')}, var(--chart-fallback))`;
