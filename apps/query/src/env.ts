import { accessVars, envVars, loadEnvOrExit, serviceVars, sharedVars } from '@weather/core/env';
import { services } from '@weather/core/services';
import { z } from 'zod';

export const envSchema = z.object({
  QUERY_PORT: envVars.port(services.query.port),
  DATABASE_URL: sharedVars.DATABASE_URL,
  REDIS_URL: sharedVars.REDIS_URL,
  QUERY_TIMEOUT_MS: sharedVars.QUERY_TIMEOUT_MS,
  ...serviceVars,
  ...accessVars,
});

export type Env = z.infer<typeof envSchema>;

export const loadEnv = (): Env => loadEnvOrExit(envSchema);
