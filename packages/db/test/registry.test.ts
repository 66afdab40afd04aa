import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addCredential,
  createGateway,
  type Database,
  getGateway,
  getStation,
  insertReadings,
  listAllCredentials,
  listCredentials,
  listGateways,
  listRegisteredStations,
  listStations,
  loadIngestView,
  RegistryError,
  registerStation,
  registerUnderGateway,
  revokeCredential,
  touchCredentials,
  updateStation,
} from '../src';
import { backends, reading } from './query-helpers';

/** A credential as the registry package issues it: a visible prefix and a SHA-256 hex hash. */
function credential(kind: 'station' | 'gateway', ownerId: string) {
  const token = `wx${kind === 'station' ? 's' : 'g'}_${randomBytes(24).toString('base64url')}`;
  return {
    kind,
    ownerId,
    prefix: token.slice(0, 12),
    hash: createHash('sha256').update(token).digest('hex'),
  };
}

/** The RegistryError code `promise` rejects with (fails when it resolves or throws another error). */
async function registryErrorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return (error as RegistryError).code;
}

describe.each(backends)('station registry on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await backend.open('registry'));
  }, 60_000);
  afterAll(() => close());

  describe('stations', () => {
    it('registers a station with defaults for the fields not given', async () => {
      const row = await registerStation(db, 'REG-1', { name: 'Roof', latitude: 52.5 });
      expect(row).toMatchObject({
        id: 'REG-1',
        name: 'Roof',
        description: null,
        latitude: 52.5,
        longitude: null,
        timezone: 'UTC',
        tags: [],
        expectedIntervalS: null,
        enabled: true,
        gatewayId: null,
        requestsPerSecond: null,
        readingsPerSecond: null,
        firstSeen: null,
        lastSeen: null,
        lastReadingAt: null,
      });
      expect(row.registeredAt).toBeInstanceOf(Date);
      expect(await getStation(db, 'REG-1')).toEqual(row);
    });

    it('updates only the fields named and keeps the others', async () => {
      await registerStation(db, 'REG-2', { name: 'Garden', timezone: 'Europe/Berlin' });
      const updated = await updateStation(db, 'REG-2', {
        description: 'by the pond',
        tags: ['garden', 'test'],
        enabled: false,
        expectedIntervalS: 60,
        readingsPerSecond: 5,
      });
      expect(updated).toMatchObject({
        id: 'REG-2',
        name: 'Garden',
        description: 'by the pond',
        timezone: 'Europe/Berlin',
        tags: ['garden', 'test'],
        enabled: false,
        expectedIntervalS: 60,
        readingsPerSecond: 5,
        requestsPerSecond: null,
      });
      expect(await getStation(db, 'REG-2')).toEqual(updated);
      // An empty update changes nothing and answers the station as it is.
      expect(await updateStation(db, 'REG-2', {})).toEqual(updated);
    });

    it('lists registered stations by id', async () => {
      await registerStation(db, 'REG-0');
      const ids = (await listRegisteredStations(db)).map((s) => s.id);
      expect(ids).toEqual([...ids].sort());
      expect(ids).toEqual(expect.arrayContaining(['REG-0', 'REG-1', 'REG-2']));
    });

    it('refuses a taken id as duplicate and leaves the station as it was', async () => {
      expect(await registryErrorOf(registerStation(db, 'REG-1', { name: 'Other' }))).toBe(
        'duplicate',
      );
      expect((await getStation(db, 'REG-1')).name).toBe('Roof');
    });

    it('answers not_found for an unknown station id', async () => {
      expect(await registryErrorOf(getStation(db, 'NOPE'))).toBe('not_found');
      expect(await registryErrorOf(updateStation(db, 'NOPE', { name: 'x' }))).toBe('not_found');
      expect(await registryErrorOf(updateStation(db, 'NOPE', {}))).toBe('not_found');
    });

    it('refuses coordinates out of range as invalid (the CHECK constraints)', async () => {
      expect(await registryErrorOf(registerStation(db, 'REG-LAT', { latitude: 91 }))).toBe(
        'invalid',
      );
      expect(await registryErrorOf(registerStation(db, 'REG-LON', { longitude: -181 }))).toBe(
        'invalid',
      );
      expect(await registryErrorOf(updateStation(db, 'REG-1', { latitude: -90.5 }))).toBe(
        'invalid',
      );
      expect(await registryErrorOf(getStation(db, 'REG-LAT'))).toBe('not_found');
      expect((await getStation(db, 'REG-1')).latitude).toBe(52.5);
    });

    it('refuses an unknown gateway as not_found', async () => {
      expect(await registryErrorOf(registerStation(db, 'REG-GW', { gatewayId: 'NO-GW' }))).toBe(
        'not_found',
      );
      expect(await registryErrorOf(updateStation(db, 'REG-1', { gatewayId: 'NO-GW' }))).toBe(
        'not_found',
      );
      expect(await registryErrorOf(getStation(db, 'REG-GW'))).toBe('not_found');
      expect((await getStation(db, 'REG-1')).gatewayId).toBeNull();
    });
  });

  describe('a station registered before it reports', () => {
    it('is listed with no seen times and no latest reading', async () => {
      await registerStation(db, 'WAIT-1', {
        name: 'Waiting',
        timezone: 'Europe/Vienna',
        tags: ['new'],
        latitude: 48.2,
        longitude: 16.37,
        elevation: 190,
      });
      const summary = (await listStations(db, { search: 'WAIT-1' })).stations;
      expect(summary).toEqual([
        {
          station_id: 'WAIT-1',
          name: 'Waiting',
          description: null,
          latitude: 48.2,
          longitude: 16.37,
          elevation: 190,
          timezone: 'Europe/Vienna',
          tags: ['new'],
          enabled: true,
          gateway_id: null,
          first_seen: null,
          last_seen: null,
          latest: null,
        },
      ]);
    });

    it('gets its seen times on its first readings and keeps its registry fields', async () => {
      await insertReadings(db, [
        reading(
          'WAIT-1',
          '2026-05-01T10:00:00Z',
          { temperature: 12.5 },
          '2026-05-01T10:00:05.000Z',
        ),
        reading(
          'WAIT-1',
          '2026-05-01T10:01:00Z',
          { temperature: 12.75 },
          '2026-05-01T10:01:05.000Z',
        ),
      ]);
      const [summary] = (await listStations(db, { search: 'WAIT-1' })).stations;
      expect(summary).toMatchObject({
        station_id: 'WAIT-1',
        name: 'Waiting',
        timezone: 'Europe/Vienna',
        tags: ['new'],
        latitude: 48.2,
        enabled: true,
        first_seen: '2026-05-01T10:00:05.000Z',
        last_seen: '2026-05-01T10:01:05.000Z',
        latest: { station_id: 'WAIT-1', timestamp: '2026-05-01T10:01:00.000Z', temperature: 12.75 },
      });

      // A later batch moves last_seen only.
      await insertReadings(db, [
        reading('WAIT-1', '2026-05-01T10:02:00Z', { temperature: 13 }, '2026-05-01T10:02:05.000Z'),
      ]);
      const station = await getStation(db, 'WAIT-1');
      expect(station.firstSeen?.toISOString()).toBe('2026-05-01T10:00:05.000Z');
      expect(station.lastSeen?.toISOString()).toBe('2026-05-01T10:02:05.000Z');
      expect(station.lastReadingAt?.toISOString()).toBe('2026-05-01T10:02:00.000Z');
      expect(station).toMatchObject({ name: 'Waiting', tags: ['new'], elevation: 190 });
    });
  });

  describe('gateways', () => {
    it('creates, gets and lists gateways; a taken id is duplicate, an unknown one not_found', async () => {
      const gw = await createGateway(db, 'GW-A', { name: 'Hub', autoRegister: true });
      expect(gw).toMatchObject({
        id: 'GW-A',
        name: 'Hub',
        autoRegister: true,
        requestsPerSecond: null,
        readingsPerSecond: null,
      });
      expect(await createGateway(db, 'GW-B', { requestsPerSecond: 3 })).toMatchObject({
        id: 'GW-B',
        name: null,
        autoRegister: false,
        requestsPerSecond: 3,
      });
      expect(await getGateway(db, 'GW-A')).toEqual(gw);
      expect((await listGateways(db)).map((g) => g.id)).toEqual(['GW-A', 'GW-B']);
      expect(await registryErrorOf(createGateway(db, 'GW-A'))).toBe('duplicate');
      expect(await registryErrorOf(getGateway(db, 'GW-NONE'))).toBe('not_found');
    });

    it('registers a station under a gateway', async () => {
      const row = await registerStation(db, 'GW-A-1', { gatewayId: 'GW-A' });
      expect(row.gatewayId).toBe('GW-A');
      const [summary] = (await listStations(db, { search: 'GW-A-1' })).stations;
      expect(summary?.gateway_id).toBe('GW-A');
    });
  });

  describe('credentials', () => {
    it('adds station and gateway credentials and never lists their hashes', async () => {
      await registerStation(db, 'CRED-1');
      const station = credential('station', 'CRED-1');
      const gateway = credential('gateway', 'GW-B');
      const s = await addCredential(db, station);
      const g = await addCredential(db, gateway);
      expect(s).toEqual({
        id: expect.any(Number),
        kind: 'station',
        stationId: 'CRED-1',
        gatewayId: null,
        prefix: station.prefix,
        createdAt: expect.any(Date),
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(g).toMatchObject({ kind: 'gateway', stationId: null, gatewayId: 'GW-B' });
      expect(g.id).toBeGreaterThan(s.id);

      expect(await listCredentials(db, { stationId: 'CRED-1' })).toEqual([s]);
      expect(await listCredentials(db, { gatewayId: 'GW-B' })).toEqual([g]);
      const all = await listAllCredentials(db);
      expect(all).toEqual(expect.arrayContaining([s, g]));
      for (const info of all) expect(Object.keys(info)).not.toContain('hash');
      const listed = JSON.stringify(all);
      expect(listed).not.toContain(station.hash);
      expect(listed).not.toContain(gateway.hash);
    });

    it('refuses a credential for an unknown station or gateway as not_found', async () => {
      expect(await registryErrorOf(addCredential(db, credential('station', 'NOPE')))).toBe(
        'not_found',
      );
      expect(await registryErrorOf(addCredential(db, credential('gateway', 'NOPE')))).toBe(
        'not_found',
      );
      expect(await listCredentials(db, { stationId: 'NOPE' })).toEqual([]);
    });

    it('revokes by prefix; a second revocation keeps the first time', async () => {
      await registerStation(db, 'CRED-2');
      const c = credential('station', 'CRED-2');
      await addCredential(db, c);
      const first = await revokeCredential(db, c.prefix);
      expect(first.revokedAt).toBeInstanceOf(Date);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const second = await revokeCredential(db, c.prefix);
      expect(second.revokedAt?.getTime()).toBe(first.revokedAt?.getTime());
      expect((await listCredentials(db, { stationId: 'CRED-2' }))[0]?.revokedAt).toEqual(
        first.revokedAt,
      );
      expect(await registryErrorOf(revokeCredential(db, 'wxs_unknown0'))).toBe('not_found');
    });
  });

  describe('the ingest view', () => {
    it('holds live credentials only, and every station and gateway with its limits', async () => {
      await createGateway(db, 'VIEW-GW', { autoRegister: true, readingsPerSecond: 100 });
      await registerStation(db, 'VIEW-1', { requestsPerSecond: 2, enabled: false });
      await registerStation(db, 'VIEW-2', { gatewayId: 'VIEW-GW' });
      const live = credential('station', 'VIEW-1');
      const revoked = credential('station', 'VIEW-1');
      const gw = credential('gateway', 'VIEW-GW');
      const liveInfo = await addCredential(db, live);
      const revokedInfo = await addCredential(db, revoked);
      const gwInfo = await addCredential(db, gw);
      await revokeCredential(db, revoked.prefix);

      const view = await loadIngestView(db);
      expect(view.credentials).toEqual(
        expect.arrayContaining([
          {
            id: liveInfo.id,
            hash: live.hash,
            kind: 'station',
            stationId: 'VIEW-1',
            gatewayId: null,
          },
          { id: gwInfo.id, hash: gw.hash, kind: 'gateway', stationId: null, gatewayId: 'VIEW-GW' },
        ]),
      );
      expect(view.credentials.map((c) => c.id)).not.toContain(revokedInfo.id);
      expect(view.credentials.map((c) => c.hash)).not.toContain(revoked.hash);
      // Every live credential of the database, and no revoked one.
      const all = await listAllCredentials(db);
      expect(view.credentials.map((c) => c.id).sort((a, b) => a - b)).toEqual(
        all.filter((c) => c.revokedAt === null).map((c) => c.id),
      );

      expect(view.stations).toEqual(
        expect.arrayContaining([
          {
            id: 'VIEW-1',
            enabled: false,
            gatewayId: null,
            requestsPerSecond: 2,
            readingsPerSecond: null,
          },
          {
            id: 'VIEW-2',
            enabled: true,
            gatewayId: 'VIEW-GW',
            requestsPerSecond: null,
            readingsPerSecond: null,
          },
        ]),
      );
      expect(view.stations).toHaveLength((await listRegisteredStations(db)).length);
      expect(view.gateways).toEqual(
        expect.arrayContaining([
          { id: 'VIEW-GW', autoRegister: true, requestsPerSecond: null, readingsPerSecond: 100 },
        ]),
      );
      expect(view.gateways).toHaveLength((await listGateways(db)).length);
    });
  });

  describe('registering under a gateway', () => {
    it('registers unknown ids under it, leaves ids registered elsewhere alone, and returns only its own', async () => {
      await createGateway(db, 'AUTO-GW', { autoRegister: true });
      await createGateway(db, 'OTHER-GW');
      await registerStation(db, 'AUTO-OWN', { gatewayId: 'AUTO-GW', name: 'Own' });
      await registerStation(db, 'AUTO-ELSEWHERE', { gatewayId: 'OTHER-GW', name: 'Theirs' });
      await registerStation(db, 'AUTO-LONE', { name: 'Lone' });

      const mine = await registerUnderGateway(db, 'AUTO-GW', [
        'AUTO-NEW-1',
        'AUTO-OWN',
        'AUTO-ELSEWHERE',
        'AUTO-LONE',
        'AUTO-NEW-2',
      ]);
      expect([...mine].sort()).toEqual(['AUTO-NEW-1', 'AUTO-NEW-2', 'AUTO-OWN']);

      expect(await getStation(db, 'AUTO-NEW-1')).toMatchObject({
        gatewayId: 'AUTO-GW',
        enabled: true,
        name: null,
        firstSeen: null,
      });
      expect(await getStation(db, 'AUTO-OWN')).toMatchObject({ gatewayId: 'AUTO-GW', name: 'Own' });
      expect(await getStation(db, 'AUTO-ELSEWHERE')).toMatchObject({
        gatewayId: 'OTHER-GW',
        name: 'Theirs',
      });
      expect(await getStation(db, 'AUTO-LONE')).toMatchObject({ gatewayId: null, name: 'Lone' });

      // Again: nothing new, the same answer.
      const again = await registerUnderGateway(db, 'AUTO-GW', ['AUTO-NEW-1', 'AUTO-ELSEWHERE']);
      expect(again).toEqual(['AUTO-NEW-1']);
      expect(await registerUnderGateway(db, 'AUTO-GW', [])).toEqual([]);
    });
  });

  describe('recording credential use', () => {
    it('sets last_used_at and never moves it backwards', async () => {
      await registerStation(db, 'USE-1');
      const a = await addCredential(db, credential('station', 'USE-1'));
      const b = await addCredential(db, credential('station', 'USE-1'));
      const t1 = new Date('2026-06-01T10:00:00.123Z');
      const t0 = new Date('2026-06-01T09:00:00.000Z');
      const t2 = new Date('2026-06-01T11:00:00.456Z');

      await touchCredentials(db, new Map([[a.id, t1]]));
      const lastUsed = async () =>
        Object.fromEntries(
          (await listCredentials(db, { stationId: 'USE-1' })).map((c) => [
            c.id,
            c.lastUsedAt?.toISOString() ?? null,
          ]),
        );
      expect(await lastUsed()).toEqual({ [a.id]: t1.toISOString(), [b.id]: null });

      // An older time (a late batch from another collector) does not move it back.
      await touchCredentials(
        db,
        new Map([
          [a.id, t0],
          [b.id, t2],
        ]),
      );
      expect(await lastUsed()).toEqual({ [a.id]: t1.toISOString(), [b.id]: t2.toISOString() });

      await touchCredentials(db, new Map([[a.id, t2]]));
      expect(await lastUsed()).toEqual({ [a.id]: t2.toISOString(), [b.id]: t2.toISOString() });

      // Nothing to record, and unknown ids, change nothing.
      await touchCredentials(db, new Map());
      await touchCredentials(db, new Map([[999_999, t2]]));
      expect(await lastUsed()).toEqual({ [a.id]: t2.toISOString(), [b.id]: t2.toISOString() });
    });
  });
});
