import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  getGateway,
  getStation,
  listCredentials,
  registerStation,
  revokeCredential,
} from '@weather/db';
import { createTestDatabase } from '@weather/db/testing';
import { baseDatabaseUrl } from '@weather/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSimulatorToken, registerSimulatedStations, SIMULATOR_GATEWAY } from '../src';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dir: string;

beforeAll(async () => {
  database = await createTestDatabase(baseDatabaseUrl, 'simulator');
  dir = await mkdtemp(path.join(tmpdir(), 'simulator-token-'));
});

afterAll(async () => {
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

const simulated = (id: string, name: string) => ({
  id,
  name,
  latitude: 51.5,
  longitude: -0.1,
  elevation: 20,
  timezone: 'Europe/London',
  climate: {} as never,
});

describe('the simulator gateway', () => {
  it('is created on the first run with a token kept in a private file, which later runs reuse', async () => {
    const file = path.join(dir, 'nested', 'simulator-token');
    const first = await ensureSimulatorToken(database.db, file);
    expect(first.issued).toBe(true);
    expect(first.token).toMatch(/^wxg_/);
    expect((await readFile(file, 'utf8')).trim()).toBe(first.token);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await getGateway(database.db, SIMULATOR_GATEWAY)).toMatchObject({
      autoRegister: true,
      requestsPerSecond: 0,
      readingsPerSecond: 0,
    });

    expect(await ensureSimulatorToken(database.db, file)).toEqual({
      token: first.token,
      issued: false,
    });
  });

  it('gets a new token when the kept one was revoked or is not its own', async () => {
    const file = path.join(dir, 'simulator-token-2');
    const { token } = await ensureSimulatorToken(database.db, file);
    const [credential] = (
      await listCredentials(database.db, { gatewayId: SIMULATOR_GATEWAY })
    ).filter((c) => token.startsWith(c.prefix));
    await revokeCredential(database.db, credential?.prefix as string);
    const renewed = await ensureSimulatorToken(database.db, file);
    expect(renewed.issued).toBe(true);
    expect(renewed.token).not.toBe(token);

    await writeFile(file, 'wxg_somebody-elses-token-that-is-unknown');
    expect((await ensureSimulatorToken(database.db, file)).issued).toBe(true);
  });

  it('registers simulated stations with their names, places and zones, never overwriting what was set', async () => {
    await registerStation(database.db, 'SIM-002', {
      name: 'Named by hand',
      timezone: 'Asia/Tokyo',
    });
    const changed = await registerSimulatedStations(database.db, [
      simulated('SIM-001', 'Harbour'),
      simulated('SIM-002', 'Hill'),
    ]);
    expect(changed).toBe(2);
    expect(await getStation(database.db, 'SIM-001')).toMatchObject({
      name: 'Harbour',
      latitude: 51.5,
      timezone: 'Europe/London',
      gatewayId: SIMULATOR_GATEWAY,
    });
    expect(await getStation(database.db, 'SIM-002')).toMatchObject({
      name: 'Named by hand',
      timezone: 'Asia/Tokyo',
      latitude: 51.5,
    });
  });
});
