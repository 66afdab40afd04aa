/** The consumer's `GET /stats` body: what it has done since it started, and its lag. */
import { z } from 'zod';

export const consumerStatsBody = z.object({
  started_at: z.string(),
  messages: z.number().meta({ description: 'Kafka records processed' }),
  received: z.number().meta({ description: 'Readings decoded from those records' }),
  inserted: z.number().meta({ description: 'Readings stored (new rows)' }),
  duplicates_dropped_memory: z.number().meta({
    description: 'Duplicates dropped before the database: already stored, or repeated in the batch',
  }),
  duplicates_dropped_database: z
    .number()
    .meta({ description: 'Duplicates dropped by the primary key (ON CONFLICT DO NOTHING)' }),
  dead_lettered: z.number().meta({ description: 'Records sent to the dead-letter topic' }),
  dead_lettered_database: z.number().meta({
    description:
      'Readings the database refused for their content, each dead-lettered as a record of its own (included in dead_lettered)',
  }),
  batches: z.number(),
  rows_per_second: z.number().meta({ description: 'Inserted rows per second, last 10 s' }),
  database_retries: z.number(),
  database_error: z.string().nullable().meta({
    description:
      'Set while inserts fail and are being retried: the database message and SQLSTATE, or e.g. "connection refused (ECONNREFUSED)"; at most 200 characters, never SQL or values',
  }),
  last_commit_at: z
    .string()
    .nullable()
    .meta({ description: 'When this consumer last committed offsets; null before its first' }),
  last_commit_age_s: z.number().nullable().meta({
    description:
      'Seconds since last_commit_at. Old with zero lag means idle; old with lag means stalled (see /ready)',
  }),
  rate_history: z
    .array(z.object({ t: z.string(), rows_per_second: z.number() }))
    .meta({ description: 'Inserted rows per second in 10 s steps over the last 15 minutes' }),
  lag: z.object({
    total: z.number(),
    updated_at: z.string().nullable(),
    partitions: z.array(
      z.object({ partition: z.number(), committed: z.string(), high: z.string(), lag: z.number() }),
    ),
  }),
});

export type ConsumerStatsBody = z.infer<typeof consumerStatsBody>;
