import { consumerStatsBody } from '@weather/contracts/consumer';
import type { Logger } from '@weather/core/logger';
import { createServer, type ReadinessCheck } from '@weather/server';
import { Gauge, Registry } from 'prom-client';
import type { ConsumerStats } from './stats';

export interface AppDeps {
  logger: Logger;
  stats: ConsumerStats;
  checks?: ReadinessCheck[];
  /** Records waiting longer than this without a commit make the consumer stalled (not ready). */
  stallAfterMs: number;
  /** CONTROL_TOKEN: `/stats` needs it when set. */
  controlToken?: string;
}

const count = new Intl.NumberFormat('en-US');

/**
 * Readiness of ingestion itself: fails while assigned partitions hold records that have gone
 * uncommitted for longer than `stallAfterMs`, and says why.
 */
export function ingestionCheck(stats: ConsumerStats, stallAfterMs: number): ReadinessCheck {
  return {
    name: 'ingestion',
    check: async () => {
      const stall = stats.stall(stallAfterMs);
      if (!stall) return;
      const where =
        stall.partitions.length === 1
          ? `partition ${stall.partitions[0]}`
          : `partitions ${stall.partitions.join(', ')}`;
      const cause = stats.databaseError ? `; last database error: ${stats.databaseError}` : '';
      throw new Error(
        `no commit for ${Math.floor(stall.ageMs / 1000)} s while ${count.format(stall.waiting)} records wait (${where})${cause}`,
      );
    },
  };
}

export const serviceInfo = {
  name: 'consumer',
  title: 'Weather consumer',
  description:
    'Reads readings from Kafka, drops duplicates and stores each reading exactly once; statistics and health.',
  version: '0.1.0',
};

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
  gauge(
    'consumer_last_commit_age_seconds',
    'Seconds since this consumer last committed offsets (since start-up before its first commit)',
    () => (Date.now() - (stats.lastCommitAt ?? stats.startedAt).getTime()) / 1000,
  );
  gauge(
    'consumer_stalled',
    '1 while assigned partitions hold records uncommitted for longer than CONSUMER_STALL_AFTER_MS',
    () => (stats.stall(deps.stallAfterMs) ? 1 : 0),
  );

  const app = await createServer({
    info: serviceInfo,
    logger: deps.logger,
    checks: [...(deps.checks ?? []), ingestionCheck(stats, deps.stallAfterMs)],
    registry,
    controlToken: deps.controlToken,
  });
  app.get(
    '/stats',
    {
      config: { quietLog: true },
      schema: {
        summary: 'What the consumer has done since it started, and its lag',
        tags: ['operations'],
        response: { 200: consumerStatsBody },
      },
    },
    async () => stats.toJSON(),
  );
  return app;
}
