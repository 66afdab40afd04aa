import { envVars, loadEnvOrExit, sharedVars } from '@weather/core/env';
import { services } from '@weather/core/services';
import { z } from 'zod';

export const envSchema = z.object({
  COLLECTOR_PORT: envVars.port(services.collector.port),
  KAFKA_BROKERS: sharedVars.KAFKA_BROKERS,
  KAFKA_TOPIC: sharedVars.KAFKA_TOPIC,
  KAFKA_TOPIC_PARTITIONS: sharedVars.KAFKA_TOPIC_PARTITIONS,
  /** How long a request's readings wait for others before one produce request carries them all. */
  COLLECTOR_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(5),
  COLLECTOR_MAX_BATCH_RECORDS: envVars.positiveInt(2000),
  COLLECTOR_MAX_IN_FLIGHT: envVars.positiveInt(4),
  HOST: sharedVars.HOST,
  LOG_LEVEL: sharedVars.LOG_LEVEL,
  SHUTDOWN_TIMEOUT_MS: sharedVars.SHUTDOWN_TIMEOUT_MS,
});

export type Env = z.infer<typeof envSchema>;

export const loadEnv = (): Env => loadEnvOrExit(envSchema);
