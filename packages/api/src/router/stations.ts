import {
  type CredentialInfo,
  type Database,
  type Gateway,
  latestReadings,
  listAllCredentials,
  listGateways,
  listRegisteredStations,
  listSparklines,
  listStations,
  type RegisteredStation,
  type StationSummary,
} from '@weather/db';
import { z } from 'zod';
import {
  readingRow,
  type registryCredential,
  stationParam,
  stationRegistry,
  stationSummary,
  stationsPage,
} from '../schemas';
import { listStationsPage, type StationsQuery, stationsQuery } from '../services/stations';
import { cached, notFound, publicProcedure, router, syncOutput } from '../trpc';

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

  /**
   * One station as the list shows it, for its page; an unregistered id is 404. Primary-key
   * lookups, uncached like `latest`: a name changed from the CLI shows at once.
   */
  get: publicProcedure
    .input(z.object({ station_id: stationParam }))
    .output(syncOutput(stationSummary))
    .query(({ ctx, input }) => stationSummaryOf(ctx.db, input.station_id)),

  /** The registry for the stations page: stations and gateways with their credentials, no hashes. */
  registry: publicProcedure.output(syncOutput(stationRegistry)).query(async ({ ctx }) => {
    const [stations, gateways, credentials] = await Promise.all([
      listRegisteredStations(ctx.db),
      listGateways(ctx.db),
      listAllCredentials(ctx.db),
    ]);
    return registryOf(stations, gateways, credentials);
  }),
});

type Registry = z.infer<typeof stationRegistry>;
type Credential = z.infer<typeof registryCredential>;

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/** The station as the list shows it (one SQL definition of the summary), or 404. */
async function stationSummaryOf(db: Database, stationId: string): Promise<StationSummary> {
  const [station] = (await listStations(db, { stationIds: [stationId] })).stations;
  if (!station) throw notFound(`Unknown station "${stationId}"`);
  return station;
}

function registryFields(s: RegisteredStation) {
  return {
    station_id: s.id,
    name: s.name,
    description: s.description,
    latitude: s.latitude,
    longitude: s.longitude,
    elevation: s.elevation,
    timezone: s.timezone,
    tags: s.tags,
    enabled: s.enabled,
    gateway_id: s.gatewayId,
    first_seen: iso(s.firstSeen),
    last_seen: iso(s.lastSeen),
  };
}

/** Each station and gateway with its own credentials (oldest first, as listed). */
function registryOf(
  stations: RegisteredStation[],
  gateways: Gateway[],
  credentials: CredentialInfo[],
): Registry {
  const byOwner = new Map<string, Credential[]>();
  for (const c of credentials) {
    const owner = c.kind === 'station' ? `s:${c.stationId}` : `g:${c.gatewayId}`;
    const list = byOwner.get(owner) ?? [];
    // Field by field: whatever else a credential row carries never reaches the answer.
    list.push({
      prefix: c.prefix,
      kind: c.kind,
      created_at: c.createdAt.toISOString(),
      last_used_at: iso(c.lastUsedAt),
      revoked_at: iso(c.revokedAt),
    });
    byOwner.set(owner, list);
  }
  return {
    stations: stations.map((s) => ({
      ...registryFields(s),
      expected_interval_s: s.expectedIntervalS,
      registered_at: s.registeredAt.toISOString(),
      credentials: byOwner.get(`s:${s.id}`) ?? [],
    })),
    gateways: gateways.map((g) => ({
      gateway_id: g.id,
      name: g.name,
      auto_register: g.autoRegister,
      created_at: g.createdAt.toISOString(),
      credentials: byOwner.get(`g:${g.id}`) ?? [],
    })),
  };
}
