import { startAlertWorker } from '@weather/alerts';
import { deadLetterTopic } from '@weather/contracts/kafka-message';
import { createLogger } from '@weather/core/logger';
import {
  classifyDatabaseError,
  createDb,
  insertReadings,
  migrateWithLock,
  refreshAggregates,
  timescaleSettingsFromEnv,
} from '@weather/db';
import { kafkaService } from '@weather/kafka';
import { runService } from '@weather/server';
import { Redis } from 'ioredis';
import { createApp, serviceInfo } from './app';
import { deadLetterPublisher, measureLag, runConsumer } from './consumer';
import { loadEnv } from './env';
import { LateDataRefresher } from './late-data';
import { createLiveNotifier } from './live';
import { startQcWorker } from './qc-worker';
import { SeenKeys } from './seen-keys';
import { ConsumerStats } from './stats';

const env = loadEnv();
const logger = createLogger({ service: serviceInfo.name, level: env.LOG_LEVEL });
// Two more connections than ingest needs: the alert and QC workers' leader locks hold one each.
const database = createDb({ url: env.DATABASE_URL, max: 6, applicationName: 'consumer' });
const redis = new Redis(env.REDIS_URL, {
  lazyConnect: true,
  // Fail fast while Redis is down instead of queueing: live updates are best-effort.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  retryStrategy: (times) => Math.min(times * 200, 5000),
});
redis.on('error', () => {});
const kafka = kafkaService({ clientId: 'consumer', env, logger });
const consumer = kafka.client.consumer({
  groupId: env.CONSUMER_GROUP_ID,
  allowAutoTopicCreation: false,
  sessionTimeout: 30_000,
  heartbeatInterval: 3000,
  // A consumer that cannot rejoin after retries restarts itself rather than idling.
  retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
});
const stats = new ConsumerStats();
const lateData = new LateDataRefresher((range) => refreshAggregates(database.db, range), logger);
const app = await createApp({
  logger,
  stats,
  stallAfterMs: env.CONSUMER_STALL_AFTER_MS,
  controlToken: env.CONTROL_TOKEN,
  checks: [
    kafka.check,
    {
      name: 'database',
      check: async () => {
        try {
          await database.pool.query('select 1');
        } catch (err) {
          throw new Error(classifyDatabaseError(err).message);
        }
      },
    },
  ],
});
let lagTimer: NodeJS.Timeout | undefined;
let alertWorker: ReturnType<typeof startAlertWorker> | undefined;
let qcWorker: ReturnType<typeof startQcWorker> | undefined;

await runService({
  logger,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  start: async ({ fail }) => {
    // A crash the client cannot recover from ends the process non-zero, so a supervisor
    // restarts it; kafkajs reports it here once its own restarts are exhausted.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) fail(payload.error);
    });
    const migration = await migrateWithLock(
      database.pool,
      database.db,
      timescaleSettingsFromEnv(env),
    );
    logger.info({ timescale: migration.timescale }, 'database ready');
    await redis
      .connect()
      .catch((err) =>
        logger.warn({ err }, 'Redis unavailable at start; continuing without live updates'),
      );
    await kafka.connect();
    await consumer.connect();
    await app.listen({ host: env.HOST, port: env.CONSUMER_PORT });
    await runConsumer(
      consumer,
      {
        topic: env.KAFKA_TOPIC,
        chunkSize: env.CONSUMER_CHUNK_SIZE,
        concurrency: env.CONSUMER_CONCURRENCY,
      },
      {
        store: async (rows) => {
          const stored = await insertReadings(database.db, rows);
          // Rows whose rain a late counter reading changed: their rollups are refreshed too.
          if (stored.rainUpdated.length > 0) lateData.note(stored.rainUpdated);
          return stored;
        },
        deadLetter: deadLetterPublisher(kafka.producer, deadLetterTopic(env.KAFKA_TOPIC)),
        notify: createLiveNotifier(redis, logger),
        noteStored: (timestamps) => lateData.note(timestamps),
        seen: new SeenKeys(env.CONSUMER_SEEN_KEYS),
        stats,
        logger,
      },
      logger,
    );
    const updateLag = async () => {
      try {
        stats.noteLag(await measureLag(kafka.admin, env.CONSUMER_GROUP_ID, env.KAFKA_TOPIC));
      } catch (err) {
        logger.debug({ err }, 'could not measure lag');
      }
    };
    lagTimer = setInterval(updateLag, 2000);
    void updateLag();
    if (env.ALERTS) {
      alertWorker = startAlertWorker({
        db: database.db,
        pool: database.pool,
        logger,
        dashboardUrl: env.PUBLIC_URL.replace(/\/$/, ''),
        allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
        evaluateEveryMs: env.ALERTS_EVALUATE_EVERY_S * 1000,
        firstRetryMs: env.WEBHOOK_FIRST_RETRY_MS,
      });
    }
    if (env.QC) {
      qcWorker = startQcWorker({
        db: database.db,
        pool: database.pool,
        redis,
        logger,
        everyMs: env.QC_EVERY_S * 1000,
        // Flags change rollups; what their policies will not reach is refreshed like late data.
        onFlagged: (timestamps) => lateData.note(timestamps),
      });
    }
  },
  shutdown: [
    { name: 'consumer', run: () => consumer.disconnect() },
    { name: 'lag', run: async () => clearInterval(lagTimer) },
    { name: 'alerts', run: async () => alertWorker?.stop() },
    { name: 'qc', run: async () => qcWorker?.stop() },
    { name: 'http', run: () => app.close() },
    { name: 'late data', run: () => lateData.flush() },
    ...kafka.shutdown,
    { name: 'redis', run: async () => redis.disconnect() },
    { name: 'database', run: () => database.close() },
  ],
});
