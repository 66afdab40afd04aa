import { INTERVAL_MS, INTERVAL_NAMES, type Interval } from './chart-data';

/** The station page's selection, as kept in the URL (`?range=7d&bucket=1h`, `?range=custom&from=…&to=…`). */
export interface Selection {
  range: RangeKey;
  bucket: Interval | 'auto';
  /** ISO 8601 UTC; only for the custom range. */
  from?: string;
  to?: string;
}

export const RANGE_PRESETS = {
  '1h': { label: 'Last hour', ms: 60 * 60_000 },
  '6h': { label: 'Last 6 hours', ms: 6 * 60 * 60_000 },
  '24h': { label: 'Last 24 hours', ms: 24 * 60 * 60_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 24 * 60 * 60_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 24 * 60 * 60_000 },
} as const;

export type PresetKey = keyof typeof RANGE_PRESETS;
export type RangeKey = PresetKey | 'custom';
export const RANGE_KEYS = [...(Object.keys(RANGE_PRESETS) as PresetKey[]), 'custom'] as const;

export const DEFAULT_SELECTION: Selection = { range: '24h', bucket: 'auto' };

/** The timeseries procedure's MAX_BUCKETS: finer intervals over longer ranges are refused. */
export const MAX_BUCKETS = 10_000;

/** Live ranges move in steps of this, so query keys (and caches) stay put between steps. */
export const ANCHOR_STEP_MS = 60_000;

export const anchorFor = (now: number) => Math.floor(now / ANCHOR_STEP_MS) * ANCHOR_STEP_MS;

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function param(source: ParamSource, name: string): string | undefined {
  if (source instanceof URLSearchParams) return source.get(name) ?? undefined;
  const value = source[name];
  return Array.isArray(value) ? value[0] : value;
}

const isPreset = (value: string | undefined): value is PresetKey =>
  value !== undefined && Object.hasOwn(RANGE_PRESETS, value);

const isInterval = (value: string | undefined): value is Interval =>
  value !== undefined && Object.hasOwn(INTERVAL_MS, value);

/** A UTC instant from the URL, normalised to ISO; undefined when absent or not a date. */
function instant(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * The selection in search params. Anything unknown falls back to the default, and a custom
 * range needs both ends with `to` after `from`, so a hand-edited link still shows a page.
 */
export function parseSelection(source: ParamSource): Selection {
  const rangeParam = param(source, 'range');
  const bucketParam = param(source, 'bucket');
  const bucket = isInterval(bucketParam) ? bucketParam : 'auto';
  if (rangeParam === 'custom') {
    const from = instant(param(source, 'from'));
    const to = instant(param(source, 'to'));
    if (from && to && Date.parse(to) > Date.parse(from))
      return { range: 'custom', bucket, from, to };
  }
  return { range: isPreset(rangeParam) ? rangeParam : DEFAULT_SELECTION.range, bucket };
}

/** Search params for a selection; defaults are left out, so the plain URL is the default view. */
export function selectionToParams(selection: Selection): URLSearchParams {
  const params = new URLSearchParams();
  if (selection.range !== DEFAULT_SELECTION.range) params.set('range', selection.range);
  if (selection.range === 'custom' && selection.from && selection.to) {
    params.set('from', selection.from);
    params.set('to', selection.to);
  }
  if (selection.bucket !== 'auto') params.set('bucket', selection.bucket);
  return params;
}

export interface ResolvedRange {
  startMs: number;
  endMs: number;
  start_time: string;
  /** Absent for live ranges: the server takes "now", so new readings are included on refetch. */
  end_time?: string;
  /** The range reaches the present: poll for new data. */
  live: boolean;
}

/** The instants a selection covers, with `anchor` (a rounded "now") for the preset ranges. */
export function resolveRange(selection: Selection, anchor: number): ResolvedRange {
  if (selection.range === 'custom' && selection.from && selection.to) {
    const startMs = Date.parse(selection.from);
    const endMs = Date.parse(selection.to);
    return {
      startMs,
      endMs,
      start_time: selection.from,
      end_time: selection.to,
      live: endMs > anchor,
    };
  }
  const preset = isPreset(selection.range) ? selection.range : '24h';
  const startMs = anchor - RANGE_PRESETS[preset].ms;
  return { startMs, endMs: anchor, start_time: new Date(startMs).toISOString(), live: true };
}

/** How many buckets an interval splits a span into (what the server checks against MAX_BUCKETS). */
export const bucketCount = (spanMs: number, interval: Interval) => spanMs / INTERVAL_MS[interval];

/** Intervals too fine for a span: the server would refuse them. */
export const tooFine = (spanMs: number) =>
  new Set(INTERVAL_NAMES.filter((i) => bucketCount(spanMs, i) > MAX_BUCKETS));

/** The inputs of the page's queries, shared by the server prefetch and the client. */
export function stationQueries(stationId: string, selection: Selection, anchor: number) {
  const range = resolveRange(selection, anchor);
  const bounds = {
    station_id: stationId,
    start_time: range.start_time,
    ...(range.end_time ? { end_time: range.end_time } : {}),
  };
  return {
    range,
    aggregate: bounds,
    timeseries: selection.bucket === 'auto' ? bounds : { ...bounds, interval: selection.bucket },
    readings: (cursor?: string) => ({
      ...bounds,
      limit: READINGS_PAGE,
      ...(cursor ? { cursor } : {}),
    }),
    flags: { ...bounds, limit: FLAGS_LISTED },
  };
}

/** Flagged readings the station page lists (and marks on its charts) per range. */
export const FLAGS_LISTED = 500;

export const READINGS_PAGE = 50;

/**
 * The CSV export of the range (the REST readings endpoint streams every page). A live range ends
 * at the next anchor step: later than any reading stored when the link was last rendered.
 */
export function csvHref(stationId: string, range: ResolvedRange): string {
  const end = range.end_time ?? new Date(range.endMs + ANCHOR_STEP_MS).toISOString();
  const params = new URLSearchParams({
    start_time: range.start_time,
    end_time: end,
    format: 'csv',
  });
  return `/api/weather/${encodeURIComponent(stationId)}?${params}`;
}

/** ISO instant → the value of a `datetime-local` input, read as UTC ("2026-11-28T06:21"). */
export function toDatetimeLocal(value: number | string): string {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 16);
}

/** A `datetime-local` value, taken as UTC → ISO instant; undefined when empty or invalid. */
export function fromDatetimeLocal(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const ms = Date.parse(`${value}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
