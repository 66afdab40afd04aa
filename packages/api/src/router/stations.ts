import { latestReadings, listSparklines, listStations } from '@weather/db';
import { z } from 'zod';
import { readingRow, stationParam, stationSummary } from '../schemas';
import { markCache, publicProcedure, router } from '../trpc';

export const stationsRouter = router({
  list: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/stations',
        tags: ['stations'],
        summary: 'Every station with its newest reading and when it was last seen',
      },
    })
    .input(z.object({}).optional())
    .output(z.array(stationSummary))
    .query(async ({ ctx }) => {
      const { value, status } = await ctx.cache.get(
        { op: 'stations', params: null, ttlSeconds: 60 },
        () => listStations(ctx.db),
      );
      markCache(ctx, status);
      return value;
    }),

  /** Each station's last hour of temperature, for the stations table (cached like the list). */
  sparklines: publicProcedure
    .output(
      z.array(
        z.object({
          station_id: z.string(),
          points: z.array(z.object({ t: z.string(), temperature: z.number().nullable() })),
        }),
      ),
    )
    .query(async ({ ctx }) => {
      const { value, status } = await ctx.cache.get(
        { op: 'sparklines', params: null, ttlSeconds: 60 },
        () => listSparklines(ctx.db),
      );
      markCache(ctx, status);
      return value;
    }),

  /** The newest reading of each given station, for live tables (uncached: it is one PK lookup each). */
  latest: publicProcedure
    .input(z.object({ station_ids: z.array(stationParam).min(1).max(1000) }))
    .output(z.array(readingRow))
    .query(({ ctx, input }) => latestReadings(ctx.db, input.station_ids)),
});
