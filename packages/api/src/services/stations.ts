import { type Database, InvalidCursorError, listStations } from '@weather/db';
import { z } from 'zod';
import { badRequest } from '../trpc';

/** Stations per page at most; the unpaged list has no bound (as the seed's API had none). */
export const MAX_STATIONS_PAGE = 1000;

export const stationsQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_STATIONS_PAGE)
    .optional()
    .meta({ description: `Stations per page, 1–${MAX_STATIONS_PAGE}; asks for a page` }),
  cursor: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'next_cursor of the previous page; asks for a page' }),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'Only stations whose id or name contains this text, in any case' }),
});
export type StationsQuery = z.infer<typeof stationsQuery>;

/**
 * Every matching station as an array (the seed's answer), or a page `{ stations, next_cursor }`
 * when the call asks for one with `limit` or `cursor` (100 per page by default).
 */
export async function listStationsPage(db: Database, input: StationsQuery) {
  const paged = input.limit !== undefined || input.cursor !== undefined;
  try {
    const page = await listStations(db, {
      search: input.q,
      limit: paged ? (input.limit ?? 100) : undefined,
      cursor: input.cursor,
    });
    return paged ? page : page.stations;
  } catch (error) {
    if (error instanceof InvalidCursorError) throw badRequest(error.message);
    throw error;
  }
}
