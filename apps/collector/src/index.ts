import { createLogger } from '@weather/core/logger';
import { createDb } from '@weather/db';
import { BatchingPublisher, kafkaService, topicPartitions } from '@weather/kafka';
import { CredentialUsage, RegistryWatcher } from '@weather/registry';
import { runService } from '@weather/server';
import { Redis } from 'ioredis';
import { createApp, serviceInfo } from './app';
import { loadEnv } from './env';
import { RateLimits } from './rate-limits';

const env = loadEnv();
const logger = createLogger({ service: serviceInfo.name, level: env.LOG_LEVEL });
const kafka = kafkaService({ clientId: 'collector', env, logger });
const publisher = new BatchingPublisher(kafka.producer, {
  topic: env.KAFKA_TOPIC,
  lingerMs: env.COLLECTOR_LINGER_MS,
  maxBatchRecords: env.COLLECTOR_MAX_BATCH_RECORDS,
  maxInFlight: env.COLLECTOR_MAX_IN_FLIGHT,
  logger,
});

const auth = env.INGEST_AUTH === 'required' ? ingestAuth() : undefined;
if (!auth) {
  logger.warn(
    'INGEST_AUTH=off: readings for any station id are accepted without a token (for a closed network only)',
  );
}
const checks = [kafka.check, ...(auth ? [auth.check] : [])];
const app = await createApp({ logger, sink: publisher, checks, auth });

/** The registry's view, rate limits shared through Redis, and last-used times. */
function ingestAuth() {
  const database = createDb({ url: env.DATABASE_URL, max: 4, applicationName: 'collector' });
  // Fail fast while Redis is down: limits fall back to this instance's own counts.
  const redisOptions = { enableOfflineQueue: false, maxRetriesPerRequest: 1 };
  const redis = new Redis(env.REDIS_URL, redisOptions);
  const subscriber = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  for (const client of [redis, subscriber]) client.on('error', () => {});
  const watcher = new RegistryWatcher({
    db: database.db,
    subscriber,
    logger,
    reloadIntervalMs: env.REGISTRY_RELOAD_MS,
  });
  const usage = new CredentialUsage(database.db, logger);
  const limits = new RateLimits(redis, {
    requestsPerSecond: env.INGEST_RATE_REQUESTS_PER_S,
    readingsPerSecond: env.INGEST_RATE_READINGS_PER_S,
    burstSeconds: env.INGEST_RATE_BURST_S,
  });
  return {
    mode: 'required' as const,
    watcher,
    limits,
    usage,
    db: database.db,
    /** Ready once tokens can be checked (a stale view still can: it is kept through outages). */
    check: {
      name: 'registry',
      check: async () => {
        if (!watcher.view) throw new Error(watcher.status);
      },
    },
    start: async () => {
      await watcher.start();
      usage.start();
    },
    stop: async () => {
      await watcher.stop();
      await usage.stop();
      redis.disconnect();
      await database.close();
    },
  };
}

await runService({
  logger,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    await auth?.start();
    await kafka.connect();
    publisher.partitions = await topicPartitions(kafka.admin, env.KAFKA_TOPIC);
    await app.listen({ host: env.HOST, port: env.COLLECTOR_PORT });
  },
  shutdown: [
    { name: 'http', run: () => app.close() },
    { name: 'publisher', run: () => publisher.drain() },
    ...(auth ? [{ name: 'registry', run: () => auth.stop() }] : []),
    ...kafka.shutdown,
  ],
});
