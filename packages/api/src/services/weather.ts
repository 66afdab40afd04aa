import { healthOf } from '@weather/core/health';
import {
  chooseInterval,
  type Database,
  getAggregate,
  getTimeseries,
  INTERVALS,
  type Interval,
  InvalidCursorError,
  listQcFlags,
  listReadings,
  stationExists,
  stationHealthFacts,
  stationSummaries,
} from '@weather/db';
import { resolveRange, ttlFor } from '../range';
import { badRequest, type CacheEntry, notFound } from '../trpc';

/** A time series may have at most this many buckets; finer intervals over long ranges are refused. */
export const MAX_BUCKETS = 10_000;

interface StationRange {
  station_id: string;
  start_time?: string;
  end_time?: string;
}

/** Figures over a range: flagged values are left out unless `include_flagged`. */
type StationFigures = StationRange & { include_flagged?: boolean };
type StationSeries = StationFigures & { interval?: Interval };

/** 404 unless the station is registered (or has reported). */
export async function requireStation(db: Database, stationId: string) {
  if (!(await stationExists(db, stationId))) throw notFound(`Unknown station "${stationId}"`);
}

/**
 * `query`'s answer, or 404 for an unknown station. The check runs beside the query, not before
 * it, and a cached answer skips both: stations are never deleted, so a cached answer proves the
 * station exists, and a hit costs no database round trip.
 */
async function ofKnownStation<T>(db: Database, stationId: string, query: () => Promise<T>) {
  const [, answer] = await Promise.all([requireStation(db, stationId), query()]);
  return answer;
}

/** A page of a station's readings, ascending; 404 for an unknown station, 400 for a bad cursor. */
export async function listStationReadings(
  db: Database,
  input: StationRange & { limit: number; cursor?: string },
) {
  const start = input.start_time ? new Date(input.start_time) : undefined;
  const end = input.end_time ? new Date(input.end_time) : undefined;
  if (start && end && end <= start) throw badRequest('end_time must be after start_time');
  await requireStation(db, input.station_id);
  try {
    const page = await listReadings(db, {
      stationId: input.station_id,
      start,
      end,
      limit: input.limit,
      cursor: input.cursor,
    });
    return { station_id: input.station_id, ...page };
  } catch (error) {
    if (error instanceof InvalidCursorError) throw badRequest(error.message);
    throw error;
  }
}

/** What an aggregate call asks for: its station and range (by default the last day up to `now`). */
export function aggregateQuery(input: StationFigures, now: number) {
  return {
    stationId: input.station_id,
    ...resolveRange(input, undefined, now),
    includeFlagged: input.include_flagged ?? false,
  };
}

/** What a time series call asks for; a range of more than MAX_BUCKETS buckets is refused. */
export function timeseriesQuery(input: StationSeries, now: number) {
  const range = resolveRange(input, undefined, now);
  const interval = input.interval ?? chooseInterval(range.start, range.end);
  const buckets = (range.end.getTime() - range.start.getTime()) / 1000 / INTERVALS[interval];
  if (buckets > MAX_BUCKETS) {
    throw badRequest(
      `range too large for interval ${interval}: ${Math.ceil(buckets).toLocaleString('en')} buckets (at most ${MAX_BUCKETS.toLocaleString('en')}); choose a coarser interval or a shorter range`,
    );
  }
  return {
    stationId: input.station_id,
    ...range,
    interval,
    includeFlagged: input.include_flagged ?? false,
  };
}

/** The charts' cache entries: one per resolved range (and interval), kept by how settled it is. */
export function aggregateEntry(input: StationFigures, now: number): CacheEntry {
  const query = aggregateQuery(input, now);
  return { params: [query.start, query.end, query.includeFlagged], ttlSeconds: ttlFor(query) };
}

export function timeseriesEntry(input: StationSeries, now: number): CacheEntry {
  const query = timeseriesQuery(input, now);
  return {
    params: [query.start, query.end, query.interval, query.includeFlagged],
    ttlSeconds: ttlFor(query),
  };
}

export const stationAggregate = (db: Database, query: ReturnType<typeof aggregateQuery>) =>
  ofKnownStation(db, query.stationId, () => getAggregate(db, query));

export const stationTimeseries = (db: Database, query: ReturnType<typeof timeseriesQuery>) =>
  ofKnownStation(db, query.stationId, () => getTimeseries(db, query));

/** What a flags call asks for: its station and range (by default the last day up to `now`). */
export function flagsQuery(input: StationRange & { limit: number }, now: number) {
  return {
    stationId: input.station_id,
    ...resolveRange(input, undefined, now),
    limit: input.limit,
  };
}

export function flagsEntry(input: StationRange & { limit: number }, now: number): CacheEntry {
  const query = flagsQuery(input, now);
  return { params: [query.start, query.end, query.limit], ttlSeconds: ttlFor(query) };
}

/** The QC flags of a station's readings over a range; 404 for an unknown station. */
export const stationQcFlags = (db: Database, query: ReturnType<typeof flagsQuery>) =>
  ofKnownStation(db, query.stationId, async () => ({
    station_id: query.stationId,
    start: query.start.toISOString(),
    end: query.end.toISOString(),
    ...(await listQcFlags(db, query)),
  }));

/** Days or months a summaries call may cover. */
export const MAX_PERIODS = { day: 366, month: 120 } as const;

export interface SummariesInput {
  station_id: string;
  period?: 'day' | 'month';
  from?: string;
  to?: string;
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * A station's local daily or monthly summaries (SPEC §14): from/to are local dates, by default
 * the last 31 days or 12 months up to the station's today. The station's time zone and expected
 * interval (registered, else learned) come from its health facts.
 */
export async function stationSummariesOf(db: Database, input: SummariesInput, nowMs: number) {
  // The facts are the station's registry row: none is the 404.
  const [facts] = await stationHealthFacts(db, {
    now: new Date(nowMs),
    stationIds: [input.station_id],
  });
  if (!facts) throw notFound(`Unknown station "${input.station_id}"`);
  const period = input.period ?? 'day';
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: facts.timezone }).format(nowMs);
  const to = input.to ?? today;
  const toMs = Date.parse(`${to}T00:00:00Z`);
  const from =
    input.from ??
    (period === 'day'
      ? dayOf(toMs - 30 * DAY_MS)
      : `${new Date(Date.UTC(new Date(toMs).getUTCFullYear(), new Date(toMs).getUTCMonth() - 11, 1)).toISOString().slice(0, 10)}`);
  const fromMs = Date.parse(`${from}T00:00:00Z`);
  if (fromMs > toMs) throw badRequest(`from (${from}) must not be after to (${to})`);
  const periods =
    period === 'day'
      ? (toMs - fromMs) / DAY_MS + 1
      : (new Date(toMs).getUTCFullYear() - new Date(fromMs).getUTCFullYear()) * 12 +
        new Date(toMs).getUTCMonth() -
        new Date(fromMs).getUTCMonth() +
        1;
  if (periods > MAX_PERIODS[period]) {
    throw badRequest(
      `from–to covers ${periods} ${period}s; at most ${MAX_PERIODS[period]} per call`,
    );
  }
  const summaries = await stationSummaries(db, {
    stationId: input.station_id,
    from,
    to,
    period,
    timezone: facts.timezone,
    intervalS: healthOf(facts, nowMs).expected_interval_s,
  });
  return { station_id: input.station_id, timezone: facts.timezone, period, from, to, summaries };
}

/**
 * Summaries are cached per call, for 15 s while they reach today and a minute for settled
 * dates: a station's time zone or interval can change without new readings (an operator, the
 * CLI), and its days are cut by them, so no summary outlives that change by more than a minute.
 */
export function summariesEntry(input: SummariesInput, now: number): CacheEntry {
  const settled = input.to !== undefined && Date.parse(`${input.to}T00:00:00Z`) < now - 2 * DAY_MS;
  return {
    params: [input.period ?? 'day', input.from ?? null, input.to ?? null],
    ttlSeconds: settled ? 60 : 15,
  };
}
