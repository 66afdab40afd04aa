import { createHash, randomBytes } from 'node:crypto';
import { infrastructure } from '@weather/core/services';
import {
  addCredential,
  createGateway,
  insertReadings,
  registerStation,
  revokeCredential,
} from '@weather/db';
import { createTestDatabase } from '@weather/db/testing';
import { storedReading } from '@weather/test-kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller, QueryCache } from '../src';

// stations.get and stations.registry over a real PostgreSQL database (and the real query cache
// the context carries): registry fields, never-reporting stations, and credentials without hashes.
const baseUrl = process.env.DATABASE_URL ?? infrastructure.TEST_DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? infrastructure.REDIS_URL;
const suffix = randomBytes(3).toString('hex').toUpperCase();
const ids = {
  gateway: `GW-${suffix}`,
  reporting: `REG-${suffix}-A`,
  silent: `REG-${suffix}-B`,
  forwarded: `REG-${suffix}-C`,
};

/** A token as the CLI issues one: marker, random part; stored as its SHA-256 and a prefix. */
function issue(kind: 'station' | 'gateway') {
  const token = `${kind === 'station' ? 'wxs_' : 'wxg_'}${randomBytes(24).toString('base64url')}`;
  return {
    token,
    prefix: token.slice(0, 12),
    hash: createHash('sha256').update(token).digest('hex'),
  };
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: Redis;
let caller: ReturnType<typeof createCaller>;
const tokens = {
  reporting: issue('station'),
  revoked: issue('station'),
  gateway: issue('gateway'),
};
const readingAt = new Date(Date.UTC(2026, 0, 10, 12, 0));

beforeAll(async () => {
  database = await createTestDatabase(baseUrl, 'registry');
  redis = new Redis(redisUrl);
  caller = createCaller({
    db: database.db,
    cache: new QueryCache(redis, { namespace: database.name }),
  });
  const { db } = database;
  await createGateway(db, ids.gateway, { name: 'Roof hub', autoRegister: true });
  await registerStation(db, ids.reporting, {
    name: 'Roof',
    description: 'On the north mast',
    latitude: 52.52,
    longitude: 13.405,
    elevation: 34,
    timezone: 'Europe/Berlin',
    tags: ['roof', 'berlin'],
  });
  await registerStation(db, ids.silent, { name: 'Cellar', enabled: false });
  await registerStation(db, ids.forwarded, { gatewayId: ids.gateway });
  for (const [kind, ownerId, token] of [
    ['station', ids.reporting, tokens.reporting],
    ['station', ids.reporting, tokens.revoked],
    ['gateway', ids.gateway, tokens.gateway],
  ] as const) {
    await addCredential(db, { kind, ownerId, prefix: token.prefix, hash: token.hash });
  }
  await revokeCredential(db, tokens.revoked.prefix);
  await insertReadings(db, [
    storedReading(ids.reporting, readingAt, { temperature: 7.5, humidity: 80 }),
  ]);
});

afterAll(async () => {
  await database?.drop();
  redis?.disconnect();
});

describe('stations.registry', () => {
  it('lists every station and gateway with its credentials, oldest first', async () => {
    const registry = await caller.stations.registry();

    expect(registry.stations.map((s) => s.station_id)).toEqual([
      ids.reporting,
      ids.silent,
      ids.forwarded,
    ]);
    const [reporting, silent, forwarded] = registry.stations;
    expect(reporting).toMatchObject({
      name: 'Roof',
      description: 'On the north mast',
      latitude: 52.52,
      longitude: 13.405,
      elevation: 34,
      timezone: 'Europe/Berlin',
      tags: ['roof', 'berlin'],
      enabled: true,
      gateway_id: null,
      first_seen: readingAt.toISOString(),
      last_seen: readingAt.toISOString(),
    });
    expect(reporting?.credentials).toEqual([
      {
        prefix: tokens.reporting.prefix,
        kind: 'station',
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        last_used_at: null,
        revoked_at: null,
      },
      expect.objectContaining({
        prefix: tokens.revoked.prefix,
        revoked_at: expect.stringMatching(/Z$/),
      }),
    ]);
    expect(silent).toMatchObject({
      name: 'Cellar',
      enabled: false,
      timezone: 'UTC',
      tags: [],
      first_seen: null,
      last_seen: null,
      credentials: [],
    });
    expect(forwarded).toMatchObject({ name: null, gateway_id: ids.gateway, credentials: [] });

    expect(registry.gateways).toEqual([
      {
        gateway_id: ids.gateway,
        name: 'Roof hub',
        auto_register: true,
        created_at: expect.any(String),
        credentials: [expect.objectContaining({ prefix: tokens.gateway.prefix, kind: 'gateway' })],
      },
    ]);
  });

  it('never answers a token or its hash', async () => {
    const json = JSON.stringify(await caller.stations.registry());
    for (const { token, hash, prefix } of Object.values(tokens)) {
      expect(json).toContain(prefix);
      expect(json).not.toContain(hash);
      expect(json).not.toContain(token);
    }
    expect(json).not.toMatch(/"hash"/);
  });
});

describe('stations.get', () => {
  it('answers a registered station that never reported with empty seen times and no reading', async () => {
    expect(await caller.stations.get({ station_id: ids.silent })).toEqual({
      station_id: ids.silent,
      name: 'Cellar',
      description: null,
      latitude: null,
      longitude: null,
      elevation: null,
      timezone: 'UTC',
      tags: [],
      enabled: false,
      gateway_id: null,
      first_seen: null,
      last_seen: null,
      latest: null,
    });
  });

  it('answers a reporting station with its place and newest reading', async () => {
    const station = await caller.stations.get({ station_id: ids.reporting });
    expect(station).toMatchObject({
      name: 'Roof',
      latitude: 52.52,
      longitude: 13.405,
      first_seen: readingAt.toISOString(),
      last_seen: readingAt.toISOString(),
      latest: {
        station_id: ids.reporting,
        timestamp: readingAt.toISOString(),
        temperature: 7.5,
        humidity: 80,
      },
    });
  });

  it('answers NOT_FOUND for an id that is not registered', async () => {
    await expect(caller.stations.get({ station_id: `NOPE-${suffix}` })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `Unknown station "NOPE-${suffix}"`,
    });
  });

  it('refuses a malformed station id as BAD_REQUEST', async () => {
    await expect(caller.stations.get({ station_id: 'no spaces' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
