import { latestReadings, listSparklines, listStations } from '@weather/db';
import { z } from 'zod';
import { readingRow, stationParam, stationSummary } from '../schemas';
import { cached, publicProcedure, router, syncOutput } from '../trpc';

/** The station list changes with every reading; its version key invalidates it, the TTL bounds it. */
const LIST_ENTRY = { params: null, ttlSeconds: 60 };

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
    .output(syncOutput(z.array(stationSummary)))
    .concat(cached({ op: 'stations', entry: LIST_ENTRY }))
    .query(({ ctx }) => listStations(ctx.db)),

  /** Each station's last hour of temperature, for the stations table (cached like the list). */
  sparklines: publicProcedure
    .output(
      syncOutput(
        z.array(
          z.object({
            station_id: z.string(),
            points: z.array(z.object({ t: z.string(), temperature: z.number().nullable() })),
          }),
        ),
      ),
    )
    .concat(cached({ op: 'sparklines', entry: LIST_ENTRY }))
    .query(({ ctx }) => listSparklines(ctx.db)),

  /** The newest reading of each given station, for live tables (uncached: it is one PK lookup each). */
  latest: publicProcedure
    .input(z.object({ station_ids: z.array(stationParam).min(1).max(1000) }))
    .output(syncOutput(z.array(readingRow)))
    .query(({ ctx, input }) => latestReadings(ctx.db, input.station_ids)),
});
