// `npm run db:migrate`: applies every pending migration to DATABASE_URL; exits non-zero on failure.
import { loadEnvOrExit, sharedVars } from '@weather/core/env';
import { z } from 'zod';
import { createDb } from './client';
import { migrateWithLock } from './migrate';
import { timescaleSettingsFromEnv, timescaleSettingsVars } from './settings';

const env = loadEnvOrExit(
  z.object({ DATABASE_URL: sharedVars.DATABASE_URL, ...timescaleSettingsVars }),
);
const { db, pool, close } = createDb({ url: env.DATABASE_URL, max: 2, applicationName: 'migrate' });
try {
  const result = await migrateWithLock(pool, db, timescaleSettingsFromEnv(env));
  process.stdout.write(
    `migrations applied (${result.timescale ? 'TimescaleDB' : 'plain PostgreSQL: TimescaleDB not available'})\n`,
  );
} catch (error) {
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await close();
}
