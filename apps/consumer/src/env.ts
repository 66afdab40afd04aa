import {
  accessVars,
  envVars,
  kafkaVars,
  loadEnvOrExit,
  serviceVars,
  sharedVars,
} from '@weather/core/env';
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
  /** Where alert notifications link to (the dashboard). */
  PUBLIC_URL: accessVars.PUBLIC_URL,
  /** Alert rules are evaluated (by one consumer of the group) and webhooks delivered; off: not here. */
  ALERTS: envVars.boolean(true),
  /** Seconds between evaluations of the alert rules (SPEC §17: within 60 s of the data). */
  ALERTS_EVALUATE_EVERY_S: envVars.positiveInt(15),
  /** The wait before a failed webhook delivery's first retry; it doubles each time (at most 10 min). */
  WEBHOOK_FIRST_RETRY_MS: envVars.positiveInt(10_000),
  /** Lets webhooks reach private, loopback and link-local addresses (tests, your own network). */
  WEBHOOK_ALLOW_PRIVATE: envVars.boolean(false),
  /** Readings are checked for spikes, stuck sensors and wrong clocks (by one consumer of the group). */
  QC: envVars.boolean(true),
  /** Seconds between the QC worker's passes over newly stored readings. */
  QC_EVERY_S: envVars.positiveInt(30),
  ...serviceVars,
});

export type Env = z.infer<typeof envSchema>;

export const loadEnv = (): Env => loadEnvOrExit(envSchema);
