/**
 * What `npm start` runs for the simulator (see simulator.ts), printing JSON on stdout:
 *   simulator-setup.ts token <file>          → { "issued": bool, "token": "wxg_…" }
 *   simulator-setup.ts stations <generator>  → { "registered": n }
 */
import { simulatedStationSchema } from '@weather/contracts/generator';
import { sharedVars } from '@weather/core/env';
import { createDb } from '@weather/db';
import { z } from 'zod';
import { ensureSimulatorToken, registerSimulatedStations } from './simulator';

const [verb, target] = process.argv.slice(2);
const database = createDb({ url: sharedVars.DATABASE_URL.parse(process.env.DATABASE_URL) });
try {
  if (verb === 'token' && target) {
    const { token, issued } = await ensureSimulatorToken(database.db, target);
    process.stdout.write(`${JSON.stringify({ issued, token })}\n`);
  } else if (verb === 'stations' && target) {
    const res = await fetch(`${target}/stations`);
    if (!res.ok) throw new Error(`${target}/stations answered ${res.status}`);
    const simulated = z.array(simulatedStationSchema).parse(await res.json());
    const registered = await registerSimulatedStations(database.db, simulated);
    process.stdout.write(`${JSON.stringify({ registered })}\n`);
  } else {
    throw new Error('usage: simulator-setup.ts token <file> | stations <generator-url>');
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await database.close();
}
