/**
 * Which environment variables each part of the system actually reads, taken from the code that
 * reads them (the apps' env schemas) rather than restated, so a compose file setting a name
 * nothing reads (a typo) or missing one an app needs can be told apart.
 */
import { accessVars, sharedVars } from '@weather/core/env';
import { timescaleSettingsVars } from '@weather/db';
import { envSchema as collectorSchema } from '../../../apps/collector/src/env';
import { envSchema as consumerSchema } from '../../../apps/consumer/src/env';
import { envSchema as generatorSchema } from '../../../apps/generator/src/env';
import { envSchema as querySchema } from '../../../apps/query/src/env';
import type { WebEnv } from '../../../apps/web/src/server/env';

/** The part of a zod schema used here: what it makes of an unset variable. */
interface VariableSchema {
  safeParse(value: unknown): { success: boolean; data?: unknown };
}

/** Variable name → its schema, when known (undefined: read, default not known here). */
export type Reader = Record<string, VariableSchema | undefined>;

/**
 * apps/web/src/server/env.ts exports only `webEnv()` and its type, not the schema (and importing
 * it at run time needs Next's `react-server` condition for `server-only`). tsc holds this list to
 * exactly the keys of `WebEnv`: a variable added to or removed from the web schema fails the
 * typecheck until it is named here.
 */
const webVariables: Record<keyof WebEnv, true> = {
  DATABASE_URL: true,
  REDIS_URL: true,
  COLLECTOR_URL: true,
  CONSUMER_URL: true,
  GENERATOR_URL: true,
  QUERY_URL: true,
  CONTROL_TOKEN: true,
  QUERY_TIMEOUT_MS: true,
  LOG_LEVEL: true,
  PUBLIC_READ: true,
  AUTH_SECRET: true,
  PUBLIC_URL: true,
  TRUSTED_ORIGINS: true,
  CORS_ORIGINS: true,
  ADMIN_EMAIL: true,
  ADMIN_PASSWORD: true,
};

/** The web schema takes its shared variables from sharedVars and accessVars: their defaults. */
function webReader(): Reader {
  const shared: Reader = { ...sharedVars, ...accessVars };
  return Object.fromEntries(Object.keys(webVariables).map((name) => [name, shared[name]]));
}

/**
 * Readers by compose service name. `migrate` runs packages/db/src/migrate-cli.ts, which parses
 * its environment at import, so its schema is rebuilt here from the same two parts it uses.
 */
export const readers: Record<string, Reader> = {
  collector: collectorSchema.shape,
  consumer: consumerSchema.shape,
  generator: generatorSchema.shape,
  query: querySchema.shape,
  web: webReader(),
  migrate: { DATABASE_URL: sharedVars.DATABASE_URL, ...timescaleSettingsVars },
};

/** Next.js's standalone server.js reads these itself (and forces NODE_ENV=production). */
export const nextServerVariables = ['PORT', 'HOSTNAME', 'NODE_ENV'];

/** The compose `test` service's own: the test runner's database, its admin URL, the browser. */
export const testRunnerVariables = ['TEST_DATABASE_URL', 'PG_ADMIN_URL', 'CHROMIUM_PATH'];

/**
 * Every name something in the system reads: what a compose `environment` may set. `NAME_FILE`
 * is read wherever `NAME` is (parseEnv reads an unset variable from the file it names).
 */
export function readNames(envExample: Record<string, string>): Set<string> {
  const read = Object.values(readers).flatMap((reader) => Object.keys(reader));
  return new Set([
    ...read,
    ...read.map((name) => `${name}_FILE`),
    ...Object.keys(envExample),
    ...nextServerVariables,
    ...testRunnerVariables,
  ]);
}

/** Whether the variable's default (what an unset variable becomes) points at this machine. */
export function defaultsToLoopback(schema: VariableSchema | undefined): boolean {
  const parsed = schema?.safeParse(undefined);
  if (!parsed?.success) return false;
  return /127\.0\.0\.1|localhost|\[::1\]/.test(JSON.stringify(parsed.data) ?? '');
}
