import { latestReadings, listSparklines } from '@weather/db';
import { z } from 'zod';
import { readingRow, stationParam, stationSummary, stationsPage } from '../schemas';
import { listStationsPage, type StationsQuery, stationsQuery } from '../services/stations';
import { cached, publicProcedure, router, syncOutput } from '../trpc';

/** The station list changes with every reading; its version key invalidates it, the TTL bounds it. */
const LIST_ENTRY = { params: null, ttlSeconds: 60 };
const listEntry = (input: StationsQuery | undefined) =>
  input && Object.keys(input).length > 0 ? { ...LIST_ENTRY, params: input } : LIST_ENTRY;

export const stationsRouter = router({
  list: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/stations',
        tags: ['stations'],
        summary: 'Stations with their newest reading and when they were last seen, by id',
        description:
          'Without `limit` or `cursor`, every (matching) station as one array. With either, a page `{ stations, next_cursor }`: follow `next_cursor` until it is null.',
      },
    })
    .input(stationsQuery.optional())
    .output(syncOutput(z.union([z.array(stationSummary), stationsPage])))
    .concat(cached({ op: 'stations', entry: listEntry }))
    .query(({ ctx, input = {} }) => listStationsPage(ctx.db, input)),

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
