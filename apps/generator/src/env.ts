import { envVars, loadEnvOrExit, sharedVars } from '@weather/core/env';
import { z } from 'zod';

export const envSchema = z.object({
  GENERATOR_PORT: envVars.port(8004),
  /** Where simulated stations send readings unless POST /start names another collector. */
  COLLECTOR_URL: sharedVars.COLLECTOR_URL,
  /** Requests in flight across all stations of a live run. */
  GENERATOR_MAX_IN_FLIGHT: envVars.positiveInt(32),
  HOST: sharedVars.HOST,
  LOG_LEVEL: sharedVars.LOG_LEVEL,
  SHUTDOWN_TIMEOUT_MS: sharedVars.SHUTDOWN_TIMEOUT_MS,
});

export type Env = z.infer<typeof envSchema>;

export const loadEnv = (): Env => loadEnvOrExit(envSchema);
