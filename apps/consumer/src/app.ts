import type { Logger } from '@weather/core/logger';
import { createServer, type ReadinessCheck } from '@weather/server';
import { Gauge, Registry } from 'prom-client';
import { z } from 'zod';
import type { ConsumerStats } from './stats';

export interface AppDeps {
  logger: Logger;
  stats: ConsumerStats;
  checks?: ReadinessCheck[];
}

export const serviceInfo = {
  name: 'consumer',
  title: 'Weather consumer',
  description:
    'Reads readings from Kafka, drops duplicates and stores each reading exactly once; statistics and health.',
  version: '0.1.0',
};

const statsBody = z.object({
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
  batches: z.number(),
  rows_per_second: z.number().meta({ description: 'Inserted rows per second, last 10 s' }),
  database_retries: z.number(),
  database_error: z
    .string()
    .nullable()
    .meta({ description: 'Set while inserts fail and are being retried' }),
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

/** Builds the consumer's HTTP app without side effects; `index.ts` connects and listens. */
export async function createApp(deps: AppDeps) {
  const registry = new Registry();
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  const { stats } = deps;
  gauge('consumer_readings_received', 'Readings decoded from Kafka', () => stats.received);
  gauge('consumer_readings_inserted', 'Readings stored', () => stats.inserted);
  gauge('consumer_duplicates_memory', 'Duplicates dropped in memory', () => stats.duplicatesMemory);
  gauge(
    'consumer_duplicates_database',
    'Duplicates dropped by the database',
    () => stats.duplicatesDatabase,
  );
  gauge('consumer_dead_lettered', 'Records dead-lettered', () => stats.deadLettered);
  gauge('consumer_lag', 'Records not yet committed, all partitions', () =>
    stats.lag.reduce((sum, p) => sum + p.lag, 0),
  );

  const app = await createServer({
    info: serviceInfo,
    logger: deps.logger,
    checks: deps.checks,
    registry,
  });
  app.get(
    '/stats',
    {
      config: { quietLog: true },
      schema: {
        summary: 'What the consumer has done since it started, and its lag',
        tags: ['operations'],
        response: { 200: statsBody },
      },
    },
    async () => stats.toJSON(),
  );
  return app;
}
