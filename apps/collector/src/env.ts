import { envVars, kafkaVars, loadEnvOrExit, serviceVars } from '@weather/core/env';
import { services } from '@weather/core/services';
import { z } from 'zod';

export const envSchema = z.object({
  COLLECTOR_PORT: envVars.port(services.collector.port),
  ...kafkaVars,
  /** How long a request's readings wait for others before one produce request carries them all. */
  COLLECTOR_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(5),
  COLLECTOR_MAX_BATCH_RECORDS: envVars.positiveInt(2000),
  COLLECTOR_MAX_IN_FLIGHT: envVars.positiveInt(4),
  ...serviceVars,
});

export type Env = z.infer<typeof envSchema>;

export const loadEnv = (): Env => loadEnvOrExit(envSchema);
