import {
  chooseInterval,
  type Database,
  getAggregate,
  getTimeseries,
  INTERVALS,
  type Interval,
  InvalidCursorError,
  listReadings,
  stationExists,
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

type StationSeries = StationRange & { interval?: Interval };

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
export function aggregateQuery(input: StationRange, now: number) {
  return { stationId: input.station_id, ...resolveRange(input, undefined, now) };
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
  return { stationId: input.station_id, ...range, interval };
}

/** The charts' cache entries: one per resolved range (and interval), kept by how settled it is. */
export function aggregateEntry(input: StationRange, now: number): CacheEntry {
  const query = aggregateQuery(input, now);
  return { params: [query.start, query.end], ttlSeconds: ttlFor(query) };
}

export function timeseriesEntry(input: StationSeries, now: number): CacheEntry {
  const query = timeseriesQuery(input, now);
  return { params: [query.start, query.end, query.interval], ttlSeconds: ttlFor(query) };
}

export const stationAggregate = (db: Database, query: ReturnType<typeof aggregateQuery>) =>
  ofKnownStation(db, query.stationId, () => getAggregate(db, query));

export const stationTimeseries = (db: Database, query: ReturnType<typeof timeseriesQuery>) =>
  ofKnownStation(db, query.stationId, () => getTimeseries(db, query));
