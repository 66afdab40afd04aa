/**
 * The simulator is a gateway like any forwarder (SPEC §12): `npm start` creates it on first run
 * with auto-register and no rate limit, and keeps its token in a git-ignored local file, since a
 * token is never shown twice. Its stations' names, places and time zones are registered from
 * the generator's own description of them.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SimulatedStation } from '@weather/contracts/generator';
import { hashToken, issueToken } from '@weather/core/tokens';
import {
  addCredential,
  createGateway,
  type Database,
  describeStations,
  getGateway,
  loadIngestView,
  RegistryError,
} from '@weather/db';

export const SIMULATOR_GATEWAY = 'simulator';

/** The token in `file` while it is still a live credential of the gateway; else a new one. */
export async function ensureSimulatorToken(
  db: Database,
  file: string,
): Promise<{ token: string; issued: boolean }> {
  const kept = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  if (kept && (await isLiveGatewayToken(db, kept))) return { token: kept, issued: false };
  await getGateway(db, SIMULATOR_GATEWAY).catch(async (error: unknown) => {
    if (!(error instanceof RegistryError && error.code === 'not_found')) throw error;
    await createGateway(db, SIMULATOR_GATEWAY, {
      name: 'Station simulator',
      autoRegister: true,
      requestsPerSecond: 0,
      readingsPerSecond: 0,
    });
  });
  const { token, prefix, hash } = issueToken('gateway');
  await addCredential(db, { kind: 'gateway', ownerId: SIMULATOR_GATEWAY, prefix, hash });
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return { token, issued: true };
}

async function isLiveGatewayToken(db: Database, token: string) {
  const hash = hashToken(token);
  const view = await loadIngestView(db);
  return view.credentials.some((c) => c.hash === hash && c.gatewayId === SIMULATOR_GATEWAY);
}

/**
 * Registers the generator's simulated stations (its `GET /stations`) under the simulator
 * gateway: names, places and time zones, filling only fields nobody has set.
 */
export const registerSimulatedStations = (db: Database, simulated: SimulatedStation[]) =>
  describeStations(db, SIMULATOR_GATEWAY, simulated);
