import { envVars, kafkaVars, loadEnvOrExit, serviceVars, sharedVars } from '@weather/core/env';
import { services } from '@weather/core/services';
import { z } from 'zod';

export const envSchema = z.object({
  COLLECTOR_PORT: envVars.port(services.collector.port),
  ...kafkaVars,
  /** How long a request's readings wait for others before one produce request carries them all. */
  COLLECTOR_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(5),
  COLLECTOR_MAX_BATCH_RECORDS: envVars.positiveInt(2000),
  COLLECTOR_MAX_IN_FLIGHT: envVars.positiveInt(4),
  /** `required`: every ingest request needs a token (SPEC §12); `off`: any station id, as the seed. */
  INGEST_AUTH: z.enum(['required', 'off']).default('required'),
  /** Per-token defaults; a station or gateway may set its own (0: no limit). */
  INGEST_RATE_REQUESTS_PER_S: z.coerce.number().min(0).default(20),
  INGEST_RATE_READINGS_PER_S: z.coerce.number().min(0).default(2000),
  /** Seconds' worth of the rate a client may send at once on top of it, within any 10 s. */
  INGEST_RATE_BURST_S: z.coerce.number().min(0).max(10).default(5),
  /** The periodic reload of tokens, beside the immediate one on every published change. */
  REGISTRY_RELOAD_MS: envVars.positiveInt(30_000),
  DATABASE_URL: sharedVars.DATABASE_URL,
  REDIS_URL: sharedVars.REDIS_URL,
  ...serviceVars,
});

export type Env = z.infer<typeof envSchema>;

export const loadEnv = (): Env => loadEnvOrExit(envSchema);
