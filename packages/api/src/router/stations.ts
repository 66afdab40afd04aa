import { HEALTH_STATES } from '@weather/core/health';
import { issueToken } from '@weather/core/tokens';
import {
  addCredential,
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
  RegistryError,
  registerStation,
  revokeCredential,
  type StationSummary,
  updateStation,
} from '@weather/db';
import { stationFields } from '@weather/registry/schemas';
import { z } from 'zod';
import { ApiError } from '../errors';
import {
  fleetHealth as fleetHealthSchema,
  readingRow,
  type registryCredential,
  registryCredential as registryCredentialSchema,
  registryStation,
  stationHealthDetail,
  stationParam,
  stationRegistry,
  stationSummary,
  stationsPage,
} from '../schemas';
import { fleetHealth, stationHealth } from '../services/health';
import { listStationsPage, type StationsQuery, stationsQuery } from '../services/stations';
import {
  type ApiContext,
  adminProcedure,
  cached,
  notFound,
  router,
  syncOutput,
  viewerProcedure,
} from '../trpc';

const fleetHealthQuery = z
  .object({
    state: z.array(z.enum(HEALTH_STATES)).max(HEALTH_STATES.length).optional().meta({
      description:
        'Only stations in these states (the counts are always of every station); REST: `state=late&state=offline`',
    }),
  })
  .optional();

/** Health moves with time as well as with readings: a short TTL keeps states fresh. */
const HEALTH_ENTRY = { params: null, ttlSeconds: 5 };

/** The station list changes with every reading; its version key invalidates it, the TTL bounds it. */
const LIST_ENTRY = { params: null, ttlSeconds: 60 };
const listEntry = (input: StationsQuery | undefined) =>
  input && Object.keys(input).length > 0 ? { ...LIST_ENTRY, params: input } : LIST_ENTRY;

export const stationsRouter = router({
  list: viewerProcedure
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
  sparklines: viewerProcedure
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
  latest: viewerProcedure
    .input(z.object({ station_ids: z.array(stationParam).min(1).max(1000) }))
    .output(syncOutput(z.array(readingRow)))
    .query(({ ctx, input }) => latestReadings(ctx.db, input.station_ids)),

  /**
   * One station as the list shows it, for its page; an unregistered id is 404. Primary-key
   * lookups, uncached like `latest`: a name changed from the CLI shows at once.
   */
  get: viewerProcedure
    .input(z.object({ station_id: stationParam }))
    .output(syncOutput(stationSummary))
    .query(({ ctx, input }) => stationSummaryOf(ctx.db, input.station_id)),

  /** Every station's state (SPEC §17) and how many are in each; cached for 5 s, as time moves it. */
  health: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/fleet/health',
        tags: ['stations'],
        summary: 'Every station’s health: online, late, offline or never seen, and why',
        description:
          'Per station: its state, when it was last heard from, the interval it is judged by (registered, else learned from its newest readings), clock skew, battery and today’s completeness; and the count in each state.',
      },
    })
    .input(fleetHealthQuery)
    .output(syncOutput(fleetHealthSchema))
    .concat(
      cached({
        op: 'fleet-health',
        entry: (input: z.infer<typeof fleetHealthQuery>) =>
          input?.state ? { ...HEALTH_ENTRY, params: [...input.state].sort() } : HEALTH_ENTRY,
      }),
    )
    .query(({ ctx, input }) => fleetHealth(ctx.db, ctx.now ?? Date.now(), input?.state)),

  /** One station's health with completeness per local day and gaps over the last `days` days. */
  stationHealth: viewerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/stations/{station_id}/health',
        tags: ['stations'],
        summary: 'One station’s health, completeness per local day and gaps',
        description:
          'Its state and the facts behind it, readings stored against those expected per station-local day (its registered timezone), and its silences longer than an offline spell (newest first; an ongoing one has no end).',
      },
    })
    .input(
      z.object({
        station_id: stationParam,
        days: z.coerce
          .number()
          .int()
          .min(1)
          .max(31)
          .default(7)
          .meta({ description: 'How many local days back, today included (1–31)' }),
      }),
    )
    .output(syncOutput(stationHealthDetail))
    .query(({ ctx, input }) =>
      stationHealth(ctx.db, input.station_id, ctx.now ?? Date.now(), input.days),
    ),

  /** The registry for the stations page: stations and gateways with their credentials, no hashes. */
  registry: viewerProcedure.output(syncOutput(stationRegistry)).query(async ({ ctx }) => {
    const [stations, gateways, credentials] = await Promise.all([
      listRegisteredStations(ctx.db),
      listGateways(ctx.db),
      listAllCredentials(ctx.db),
    ]);
    return registryOf(stations, gateways, credentials);
  }),

  /** Registers a station (its fields as the CLI takes them); a taken id is 409. */
  register: adminProcedure
    .input(z.object({ station_id: stationParam, fields: stationFields.prefault({}) }))
    .output(registryStation)
    .mutation(({ ctx, input }) =>
      changeRegistry(ctx, async () =>
        registryStationOf(await registerStation(ctx.db, input.station_id, input.fields), []),
      ),
    ),

  /** Changes the named fields (`enabled: false` disables: its readings are refused with 403). */
  update: adminProcedure
    .input(z.object({ station_id: stationParam, fields: stationFields }))
    .output(registryStation)
    .mutation(({ ctx, input }) =>
      changeRegistry(ctx, async () =>
        registryStationOf(await updateStation(ctx.db, input.station_id, input.fields), []),
      ),
    ),

  /** A new station token, shown this once; older tokens stay valid until revoked. */
  issueToken: adminProcedure
    .input(z.object({ station_id: stationParam }))
    .output(z.object({ token: z.string(), credential: registryCredentialSchema }))
    .mutation(({ ctx, input }) =>
      changeRegistry(ctx, async () => {
        const { token, prefix, hash } = issueToken('station');
        const credential = await addCredential(ctx.db, {
          kind: 'station',
          ownerId: input.station_id,
          prefix,
          hash,
        });
        return { token, credential: credentialOf(credential) };
      }),
    ),

  /** Revokes a station or gateway token by its prefix; collectors refuse it within seconds. */
  revokeToken: adminProcedure
    .input(z.object({ prefix: z.string().min(4).max(64) }))
    .output(registryCredentialSchema)
    .mutation(({ ctx, input }) =>
      changeRegistry(ctx, async () => credentialOf(await revokeCredential(ctx.db, input.prefix))),
    ),
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
    list.push(credentialOf(c));
    byOwner.set(owner, list);
  }
  return {
    stations: stations.map((s) => registryStationOf(s, byOwner.get(`s:${s.id}`) ?? [])),
    gateways: gateways.map((g) => ({
      gateway_id: g.id,
      name: g.name,
      auto_register: g.autoRegister,
      created_at: g.createdAt.toISOString(),
      credentials: byOwner.get(`g:${g.id}`) ?? [],
    })),
  };
}

const REGISTRY_CODES = {
  not_found: 'NOT_FOUND',
  duplicate: 'CONFLICT',
  invalid: 'BAD_REQUEST',
} as const;

/** A registry change, then collectors and caches are told; refusals keep their meaning. */
async function changeRegistry<T>(ctx: ApiContext, work: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    if (error instanceof RegistryError) {
      throw new ApiError({
        code: REGISTRY_CODES[error.code],
        reason: error.code,
        message: error.message,
      });
    }
    throw error;
  }
  await ctx.notifyRegistry?.().catch((err: unknown) => {
    ctx.logger?.warn({ err }, 'registry changed, but collectors could not be told at once');
  });
  return result;
}

function credentialOf(c: CredentialInfo): Credential {
  return {
    prefix: c.prefix,
    kind: c.kind,
    created_at: c.createdAt.toISOString(),
    last_used_at: iso(c.lastUsedAt),
    revoked_at: iso(c.revokedAt),
  };
}

function registryStationOf(s: RegisteredStation, credentials: Credential[]) {
  return {
    ...registryFields(s),
    expected_interval_s: s.expectedIntervalS,
    registered_at: s.registeredAt.toISOString(),
    credentials,
  };
}
