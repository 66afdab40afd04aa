import { MEASUREMENTS, withAggregation } from '@weather/core/measurements';
import { z } from 'zod';
import {
  aggregateResult,
  intervalSchema,
  lastUploadResult,
  rangeInput,
  readingsPage,
  stationParam,
  timeseriesResult,
} from '../schemas';
import { stationLastUpload } from '../services/raw-uploads';
import {
  aggregateEntry,
  aggregateQuery,
  listStationReadings,
  stationAggregate,
  stationTimeseries,
  timeseriesEntry,
  timeseriesQuery,
} from '../services/weather';
import { cached, router, syncOutput, viewerProcedure } from '../trpc';

export const MAX_LIMIT = 5000;

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
        description: 'Default range: the last 24 hours. start_time inclusive, end_time exclusive.',
      },
    })
    .input(z.object({ station_id: stationParam, ...rangeInput }))
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
          'Intervals: 1m, 5m, 15m, 1h, 6h, 1d. Without `interval`, the coarsest that still gives about 150 or more buckets. The range is widened to whole buckets. Default range: the last 24 hours. Only buckets with readings are returned.',
      },
    })
    .input(
      z.object({ station_id: stationParam, ...rangeInput, interval: intervalSchema.optional() }),
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
