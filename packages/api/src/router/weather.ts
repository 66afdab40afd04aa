import { MEASUREMENTS, withAggregation } from '@weather/core/measurements';
import {
  chooseInterval,
  type Database,
  getAggregate,
  getTimeseries,
  INTERVALS,
  InvalidCursorError,
  listReadings,
  stationExists,
} from '@weather/db';
import { z } from 'zod';
import { resolveRange, ttlFor } from '../range';
import {
  aggregateResult,
  intervalSchema,
  rangeInput,
  readingsPage,
  stationParam,
  timeseriesResult,
} from '../schemas';
import { badRequest, markCache, notFound, publicProcedure, router, syncOutput } from '../trpc';

export const MAX_LIMIT = 5000;
/** A time series may have at most this many buckets; finer intervals over long ranges are refused. */
export const MAX_BUCKETS = 10_000;

async function requireStation(db: Database, stationId: string) {
  if (!(await stationExists(db, stationId))) throw notFound(`Unknown station "${stationId}"`);
}

export const weatherRouter = router({
  readings: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/weather/{station_id}',
        tags: ['weather'],
        summary: 'Raw readings of a station, ascending by timestamp, paged with a cursor',
        description:
          'start_time is inclusive, end_time exclusive; without bounds, all readings. Follow `next_cursor` until it is null. Add `format=csv` or `Accept: text/csv` for a CSV download of the whole range.',
      },
    })
    .input(
      z.object({
        station_id: stationParam,
        ...rangeInput,
        limit: z.coerce
          .number()
          .int()
          .min(1)
          .max(MAX_LIMIT)
          .default(500)
          .meta({ description: `Readings per page, 1–${MAX_LIMIT}` }),
        cursor: z
          .string()
          .max(200)
          .optional()
          .meta({ description: 'next_cursor of the previous page' }),
      }),
    )
    .output(syncOutput(readingsPage))
    .query(async ({ ctx, input }) => {
      const start = input.start_time ? new Date(input.start_time) : undefined;
      const end = input.end_time ? new Date(input.end_time) : undefined;
      if (start && end && end <= start) throw badRequest('end_time must be after start_time');
      await requireStation(ctx.db, input.station_id);
      try {
        const page = await listReadings(ctx.db, {
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
    }),

  aggregate: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/weather/aggregate/{station_id}',
        tags: ['weather'],
        summary: `Count, min, max and average of every measurement over a range (sum for ${withAggregation(MEASUREMENTS, 'sum').join(', ')})`,
        description: 'Default range: the last 24 hours. start_time inclusive, end_time exclusive.',
      },
    })
    .input(z.object({ station_id: stationParam, ...rangeInput }))
    .output(syncOutput(aggregateResult))
    .query(async ({ ctx, input }) => {
      const range = resolveRange(input);
      // The station check runs only on a miss (beside the query): stations are never deleted,
      // so a cached answer proves the station exists, and a hit costs no database round trip.
      const { value, status } = await ctx.cache.get(
        {
          op: 'aggregate',
          stationId: input.station_id,
          params: [range.start, range.end],
          ttlSeconds: ttlFor(range),
        },
        async () => {
          const [, result] = await Promise.all([
            requireStation(ctx.db, input.station_id),
            getAggregate(ctx.db, {
              stationId: input.station_id,
              start: range.start,
              end: range.end,
            }),
          ]);
          return result;
        },
      );
      markCache(ctx, status, ttlFor(range));
      return value;
    }),

  timeseries: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/weather/timeseries/{station_id}',
        tags: ['weather'],
        summary: 'One row per time bucket: count, average, min and max of every measurement',
        description:
          'Intervals: 1m, 5m, 15m, 1h, 6h, 1d. Without `interval`, the coarsest that still gives about 150 or more buckets. The range is widened to whole buckets. Default range: the last 24 hours. Only buckets with readings are returned.',
      },
    })
    .input(
      z.object({ station_id: stationParam, ...rangeInput, interval: intervalSchema.optional() }),
    )
    .output(syncOutput(timeseriesResult))
    .query(async ({ ctx, input }) => {
      const range = resolveRange(input);
      const interval = input.interval ?? chooseInterval(range.start, range.end);
      const buckets = (range.end.getTime() - range.start.getTime()) / 1000 / INTERVALS[interval];
      if (buckets > MAX_BUCKETS) {
        throw badRequest(
          `range too large for interval ${interval}: ${Math.ceil(buckets).toLocaleString('en')} buckets (at most ${MAX_BUCKETS.toLocaleString('en')}); choose a coarser interval or a shorter range`,
        );
      }
      const { value, status } = await ctx.cache.get(
        {
          op: 'timeseries',
          stationId: input.station_id,
          params: [range.start, range.end, interval],
          ttlSeconds: ttlFor(range),
        },
        async () => {
          const [, result] = await Promise.all([
            requireStation(ctx.db, input.station_id),
            getTimeseries(ctx.db, {
              stationId: input.station_id,
              start: range.start,
              end: range.end,
              interval,
            }),
          ]);
          return result;
        },
      );
      markCache(ctx, status, ttlFor(range));
      return value;
    }),
});
