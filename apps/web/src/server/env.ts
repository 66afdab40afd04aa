import 'server-only';
import { accessVars, parseEnv, sharedVars } from '@weather/core/env';
import { z } from 'zod';

const schema = z.object({
  DATABASE_URL: sharedVars.DATABASE_URL,
  REDIS_URL: sharedVars.REDIS_URL,
  COLLECTOR_URL: sharedVars.COLLECTOR_URL,
  CONSUMER_URL: sharedVars.CONSUMER_URL,
  GENERATOR_URL: sharedVars.GENERATOR_URL,
  QUERY_URL: sharedVars.QUERY_URL,
  CONTROL_TOKEN: sharedVars.CONTROL_TOKEN,
  QUERY_TIMEOUT_MS: sharedVars.QUERY_TIMEOUT_MS,
  LOG_LEVEL: sharedVars.LOG_LEVEL,
  ...accessVars,
  /** The first admin, created on a database without users (SPEC §15). */
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().optional(),
});

export type WebEnv = z.infer<typeof schema>;

let parsed: WebEnv | undefined;

/** Read on first use (not at import, which `next build` does), then kept; throws naming bad variables. */
export function webEnv(): WebEnv {
  parsed ??= parseEnv(schema);
  return parsed;
}
