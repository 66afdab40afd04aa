import { envVars, kafkaVars, loadEnvOrExit, serviceVars, sharedVars } from '@weather/core/env';
import { services } from '@weather/core/services';
import { timescaleSettingsVars } from '@weather/db';
import { z } from 'zod';

export const envSchema = z.object({
  CONSUMER_PORT: envVars.port(services.consumer.port),
  ...kafkaVars,
  CONSUMER_GROUP_ID: z.string().min(1).default('weather-consumer'),
  /** Messages inserted and committed together. */
  CONSUMER_CHUNK_SIZE: envVars.positiveInt(2000),
  /** Partitions processed at once: one decodes while another's insert runs in the database. */
  CONSUMER_CONCURRENCY: envVars.positiveInt(3),
  /** Reading keys remembered as stored, to drop duplicates before the database. */
  CONSUMER_SEEN_KEYS: envVars.positiveInt(200_000),
  /** Records uncommitted for longer than this make the consumer not ready (/ready 503). */
  CONSUMER_STALL_AFTER_MS: z.coerce
    .number()
    .int()
    .min(1000, 'must be an integer of at least 1000 (ms)')
    .default(60_000),
  DATABASE_URL: sharedVars.DATABASE_URL,
  ...timescaleSettingsVars,
  REDIS_URL: sharedVars.REDIS_URL,
  CONTROL_TOKEN: sharedVars.CONTROL_TOKEN,
  ...serviceVars,
});

export type Env = z.infer<typeof envSchema>;

export const loadEnv = (): Env => loadEnvOrExit(envSchema);
