import { MEASUREMENTS, withAggregation } from '@weather/core/measurements';
import { z } from 'zod';
import {
  aggregateResult,
  includeFlaggedInput,
  intervalSchema,
  lastUploadResult,
  localDate,
  qcFlagsResult,
  rangeInput,
  readingsPage,
  stationParam,
  summariesResult,
  timeseriesResult,
} from '../schemas';
import { stationLastUpload } from '../services/raw-uploads';
import {
  aggregateEntry,
  aggregateQuery,
  flagsEntry,
  flagsQuery,
  listStationReadings,
  stationAggregate,
  stationQcFlags,
  stationSummariesOf,
  stationTimeseries,
  summariesEntry,
  timeseriesEntry,
  timeseriesQuery,
} from '../services/weather';
import { cached, router, syncOutput, viewerProcedure } from '../trpc';

export const MAX_LIMIT = 5000;
/** Flagged readings listed at most per call. */
export const MAX_FLAGS = 2000;

export const weatherRouter = router({
  readings: viewerProcedure
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
    .query(({ ctx, input }) => listStationReadings(ctx.db, input)),

  aggregate: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/weather/aggregate/{station_id}',
        tags: ['weather'],
        summary: `Count, min, max and average of every measurement over a range (sum for ${withAggregation(MEASUREMENTS, 'sum').join(', ')})`,
        description:
          "Default range: the last 24 hours. start_time inclusive, end_time exclusive. Values with a suspect QC flag are left out and counted in each measurement's `flagged` unless `include_flagged=true`.",
      },
    })
    .input(z.object({ station_id: stationParam, ...rangeInput, ...includeFlaggedInput }))
    .output(syncOutput(aggregateResult))
    .concat(
      cached({
        op: 'aggregate',
        station: 'station_id',
        entry: aggregateEntry,
        wholeResponse: true,
      }),
    )
    .query(({ ctx, input }) => stationAggregate(ctx.db, aggregateQuery(input, ctx.now))),

  timeseries: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/weather/timeseries/{station_id}',
        tags: ['weather'],
        summary: 'One row per time bucket: count, average, min and max of every measurement',
        description:
          'Intervals: 1m, 5m, 15m, 1h, 6h, 1d. Without `interval`, the coarsest that still gives about 150 or more buckets. The range is widened to whole buckets. Default range: the last 24 hours. Only buckets with readings are returned. Values with a suspect QC flag are left out and counted in `flagged` unless `include_flagged=true`.',
      },
    })
    .input(
      z.object({
        station_id: stationParam,
        ...rangeInput,
        interval: intervalSchema.optional(),
        ...includeFlaggedInput,
      }),
    )
    .output(syncOutput(timeseriesResult))
    .concat(
      cached({
        op: 'timeseries',
        station: 'station_id',
        entry: timeseriesEntry,
        wholeResponse: true,
      }),
    )
    .query(({ ctx, input }) => stationTimeseries(ctx.db, timeseriesQuery(input, ctx.now))),

  flags: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/weather/flags/{station_id}',
        tags: ['weather'],
        summary:
          'The doubtful values (QC flags) of a station’s readings over a range, oldest first',
        description:
          'One row per flagged measurement of a reading (`timestamp` for a doubtful observation time), with the stored value. Flags are added by ingest (range) and by the QC worker as later data arrives (spike, persistence, clock); values never change. `derived` marks are not listed. Default range: the last 24 hours; at most `limit` readings.',
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
          .max(MAX_FLAGS)
          .default(500)
          .meta({ description: `Flagged readings listed, 1–${MAX_FLAGS}` }),
      }),
    )
    .output(syncOutput(qcFlagsResult))
    .concat(cached({ op: 'flags', station: 'station_id', entry: flagsEntry, wholeResponse: true }))
    .query(({ ctx, input }) => stationQcFlags(ctx.db, flagsQuery(input, ctx.now))),

  summaries: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/weather/summaries/{station_id}',
        tags: ['weather'],
        summary: 'Daily or monthly summaries of a station in its local time',
        description:
          'Per station-local day (or month, `period=month`) in the station’s time zone: temperature min and max with their times and mean, rain total, highest gust with its time and direction, completeness against the expected interval, and how many values were left out as doubtful (QC flags). `from` and `to` are local dates, inclusive; by default the last 31 days (or 12 months) up to today. At most 366 days or 120 months. Periods without readings are not listed. Add `format=csv` for CSV.',
      },
    })
    .input(
      z.object({
        station_id: stationParam,
        period: z.enum(['day', 'month']).optional().meta({ description: 'day (default) or month' }),
        from: localDate('First local date, YYYY-MM-DD (a month: any day in it)').optional(),
        to: localDate('Last local date, YYYY-MM-DD, inclusive').optional(),
      }),
    )
    .output(syncOutput(summariesResult))
    .concat(
      cached({
        op: 'summaries',
        station: 'station_id',
        entry: summariesEntry,
        wholeResponse: true,
      }),
    )
    .query(({ ctx, input }) => stationSummariesOf(ctx.db, input, ctx.now ?? Date.now())),

  lastUpload: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/weather/last-upload/{station_id}',
        tags: ['weather'],
        summary: 'The newest raw upload of a station, field by field, with what each became',
        description:
          'For stations that upload with Weather Underground, Ecowitt or Ambient Weather firmware: every field as sent (secrets removed) with the measurement it was stored as, or why it was not, and the stored reading’s QC flags. `upload` is null for a station that never uploaded that way. Newest by reading time.',
      },
    })
    .input(z.object({ station_id: stationParam }))
    .output(syncOutput(lastUploadResult))
    // Uncached like `stations.get`: two primary-key lookups.
    .query(({ ctx, input }) => stationLastUpload(ctx.db, input.station_id)),
});
