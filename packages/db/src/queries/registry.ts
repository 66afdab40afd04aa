/*
 * The station registry (SPEC §12): stations, gateways and their ingest credentials. The CLI and
 * the admin API change it; collectors read all of it at once (`loadIngestView`) and keep it in
 * memory, so authenticating a request costs no database round trip.
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { gateways, ingestCredentials, stations } from '../schema';

export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    readonly code: 'not_found' | 'duplicate' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

export interface RateLimitSettings {
  requestsPerSecond: number | null;
  readingsPerSecond: number | null;
}

export interface StationFields {
  name?: string | null;
  description?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  elevation?: number | null;
  timezone?: string;
  tags?: string[];
  expectedIntervalS?: number | null;
  enabled?: boolean;
  gatewayId?: string | null;
  requestsPerSecond?: number | null;
  readingsPerSecond?: number | null;
}

export type RegisteredStation = typeof stations.$inferSelect;
export type Gateway = typeof gateways.$inferSelect;

/** A credential as listed: never its hash. */
export interface CredentialInfo {
  id: number;
  kind: 'station' | 'gateway';
  stationId: string | null;
  gatewayId: string | null;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const credentialInfo = {
  id: ingestCredentials.id,
  kind: ingestCredentials.kind,
  stationId: ingestCredentials.stationId,
  gatewayId: ingestCredentials.gatewayId,
  prefix: ingestCredentials.prefix,
  createdAt: ingestCredentials.createdAt,
  lastUsedAt: ingestCredentials.lastUsedAt,
  revokedAt: ingestCredentials.revokedAt,
};

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';
const CHECK_VIOLATION = '23514';

function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** Registers a station; a taken id is `duplicate`, an unknown gateway `not_found`. */
export async function registerStation(
  db: Database,
  id: string,
  fields: StationFields = {},
): Promise<RegisteredStation> {
  try {
    const [row] = await db
      .insert(stations)
      .values({ id, ...fields })
      .returning();
    return row as RegisteredStation;
  } catch (error) {
    const state = sqlState(error);
    if (state === UNIQUE_VIOLATION) {
      throw new RegistryError('duplicate', `station "${id}" is already registered`);
    }
    if (state === FOREIGN_KEY_VIOLATION) {
      throw new RegistryError('not_found', `no gateway "${fields.gatewayId}"`);
    }
    if (state === CHECK_VIOLATION) throw new RegistryError('invalid', 'coordinates out of range');
    throw error;
  }
}

/** Changes a registered station's fields; an unknown id is `not_found`. */
export async function updateStation(
  db: Database,
  id: string,
  fields: StationFields,
): Promise<RegisteredStation> {
  const set = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length === 0) return getStation(db, id);
  try {
    const [row] = await db.update(stations).set(set).where(eq(stations.id, id)).returning();
    if (!row) throw new RegistryError('not_found', `no station "${id}"`);
    return row;
  } catch (error) {
    const state = sqlState(error);
    if (state === FOREIGN_KEY_VIOLATION) {
      throw new RegistryError('not_found', `no gateway "${fields.gatewayId}"`);
    }
    if (state === CHECK_VIOLATION) throw new RegistryError('invalid', 'coordinates out of range');
    throw error;
  }
}

export async function getStation(db: Database, id: string): Promise<RegisteredStation> {
  const [row] = await db.select().from(stations).where(eq(stations.id, id));
  if (!row) throw new RegistryError('not_found', `no station "${id}"`);
  return row;
}

/** Every registered station, by id. */
export function listRegisteredStations(db: Database): Promise<RegisteredStation[]> {
  return db.select().from(stations).orderBy(asc(stations.id));
}

export async function createGateway(
  db: Database,
  id: string,
  fields: { name?: string | null; autoRegister?: boolean } & Partial<RateLimitSettings> = {},
): Promise<Gateway> {
  try {
    const [row] = await db
      .insert(gateways)
      .values({ id, ...fields })
      .returning();
    return row as Gateway;
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) {
      throw new RegistryError('duplicate', `gateway "${id}" already exists`);
    }
    throw error;
  }
}

export async function getGateway(db: Database, id: string): Promise<Gateway> {
  const [row] = await db.select().from(gateways).where(eq(gateways.id, id));
  if (!row) throw new RegistryError('not_found', `no gateway "${id}"`);
  return row;
}

export function listGateways(db: Database): Promise<Gateway[]> {
  return db.select().from(gateways).orderBy(asc(gateways.id));
}

/** Stores a new credential (its hash and prefix; the token itself is never stored). */
export async function addCredential(
  db: Database,
  credential: { kind: 'station' | 'gateway'; ownerId: string; prefix: string; hash: string },
): Promise<CredentialInfo> {
  const owner =
    credential.kind === 'station'
      ? { stationId: credential.ownerId }
      : { gatewayId: credential.ownerId };
  if (credential.kind === 'station') await getStation(db, credential.ownerId);
  else await getGateway(db, credential.ownerId);
  const [row] = await db
    .insert(ingestCredentials)
    .values({ kind: credential.kind, prefix: credential.prefix, hash: credential.hash, ...owner })
    .returning(credentialInfo);
  return row as CredentialInfo;
}

/** The credentials of a station or gateway (revoked ones too), oldest first. */
export function listCredentials(
  db: Database,
  owner: { stationId: string } | { gatewayId: string },
): Promise<CredentialInfo[]> {
  const where =
    'stationId' in owner
      ? eq(ingestCredentials.stationId, owner.stationId)
      : eq(ingestCredentials.gatewayId, owner.gatewayId);
  return db
    .select(credentialInfo)
    .from(ingestCredentials)
    .where(where)
    .orderBy(asc(ingestCredentials.id));
}

/** Every credential (without hashes), oldest first. */
export function listAllCredentials(db: Database): Promise<CredentialInfo[]> {
  return db.select(credentialInfo).from(ingestCredentials).orderBy(asc(ingestCredentials.id));
}

/**
 * Revokes the credential whose prefix is `prefix`; `not_found` when none, and a credential
 * already revoked keeps its first revocation time.
 */
export async function revokeCredential(db: Database, prefix: string): Promise<CredentialInfo> {
  const [row] = await db
    .update(ingestCredentials)
    .set({ revokedAt: sql`coalesce(${ingestCredentials.revokedAt}, now())` })
    .where(eq(ingestCredentials.prefix, prefix))
    .returning(credentialInfo);
  if (!row) throw new RegistryError('not_found', `no credential with prefix "${prefix}"`);
  return row;
}

/** What a collector needs to authenticate and authorise ingest, read in one go. */
export interface IngestViewData {
  credentials: {
    id: number;
    hash: string;
    kind: 'station' | 'gateway';
    stationId: string | null;
    gatewayId: string | null;
  }[];
  stations: ({ id: string; enabled: boolean; gatewayId: string | null } & RateLimitSettings)[];
  gateways: ({ id: string; autoRegister: boolean } & RateLimitSettings)[];
}

/** Every live (unrevoked) credential, every station's ingest fields and every gateway. */
export async function loadIngestView(db: Database): Promise<IngestViewData> {
  const [credentials, stationRows, gatewayRows] = await Promise.all([
    db
      .select({
        id: ingestCredentials.id,
        hash: ingestCredentials.hash,
        kind: ingestCredentials.kind,
        stationId: ingestCredentials.stationId,
        gatewayId: ingestCredentials.gatewayId,
      })
      .from(ingestCredentials)
      .where(isNull(ingestCredentials.revokedAt)),
    db
      .select({
        id: stations.id,
        enabled: stations.enabled,
        gatewayId: stations.gatewayId,
        requestsPerSecond: stations.requestsPerSecond,
        readingsPerSecond: stations.readingsPerSecond,
      })
      .from(stations),
    db
      .select({
        id: gateways.id,
        autoRegister: gateways.autoRegister,
        requestsPerSecond: gateways.requestsPerSecond,
        readingsPerSecond: gateways.readingsPerSecond,
      })
      .from(gateways),
  ]);
  return { credentials, stations: stationRows, gateways: gatewayRows };
}

/**
 * Registers station ids under a gateway (auto-registration on a first reading); ids already
 * registered are left as they are. Returns the ids that now belong to the gateway.
 */
export async function registerUnderGateway(
  db: Database,
  gatewayId: string,
  stationIds: string[],
): Promise<string[]> {
  if (stationIds.length === 0) return [];
  await db
    .insert(stations)
    .values(stationIds.map((id) => ({ id, gatewayId })))
    .onConflictDoNothing();
  const rows = await db
    .select({ id: stations.id })
    .from(stations)
    .where(and(inArray(stations.id, stationIds), eq(stations.gatewayId, gatewayId)));
  return rows.map((r) => r.id);
}

/** Records when credentials were last used (batched by the collector, never per request). */
export async function touchCredentials(db: Database, lastUsed: Map<number, Date>): Promise<void> {
  if (lastUsed.size === 0) return;
  const ids = [...lastUsed.keys()];
  const times = ids.map((id) => (lastUsed.get(id) as Date).toISOString());
  await db.execute(sql`
    update ${ingestCredentials} c set last_used_at = greatest(c.last_used_at, u.used_at)
    from unnest(${sql.param(`{${ids.join(',')}}`)}::int[], ${sql.param(`{${times.join(',')}}`)}::timestamptz[])
      as u(id, used_at)
    where c.id = u.id`);
}

/** What a simulator or importer knows of a station. */
export interface StationDescription {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  elevation: number;
  timezone: string;
}

/**
 * Registers described stations under a gateway, or fills in what a registered one lacks (no
 * name, no place, UTC): fields someone set are never overwritten. Returns how many rows changed.
 */
export async function describeStations(
  db: Database,
  gatewayId: string,
  described: StationDescription[],
): Promise<number> {
  if (described.length === 0) return 0;
  const rows = await db
    .insert(stations)
    .values(
      described.map(({ id, name, latitude, longitude, elevation, timezone }) => ({
        id,
        name,
        latitude,
        longitude,
        elevation,
        timezone,
        gatewayId,
      })),
    )
    .onConflictDoUpdate({
      target: stations.id,
      set: {
        name: sql`coalesce(${stations.name}, excluded.name)`,
        latitude: sql`coalesce(${stations.latitude}, excluded.latitude)`,
        longitude: sql`coalesce(${stations.longitude}, excluded.longitude)`,
        elevation: sql`coalesce(${stations.elevation}, excluded.elevation)`,
        timezone: sql`case when ${stations.timezone} = 'UTC' then excluded.timezone else ${stations.timezone} end`,
        gatewayId: sql`coalesce(${stations.gatewayId}, excluded.gateway_id)`,
      },
    })
    .returning({ id: stations.id });
  return rows.length;
}
