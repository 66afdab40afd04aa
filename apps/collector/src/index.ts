import { createLogger } from '@weather/core/logger';
import { BatchingPublisher, kafkaService, topicPartitions } from '@weather/kafka';
import { runService } from '@weather/server';
import { createApp, serviceInfo } from './app';
import { loadEnv } from './env';

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
const app = await createApp({ logger, sink: publisher, checks: [kafka.check] });

await runService({
  logger,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    await kafka.connect();
    publisher.partitions = await topicPartitions(kafka.admin, env.KAFKA_TOPIC);
    await app.listen({ host: env.HOST, port: env.COLLECTOR_PORT });
  },
  shutdown: [
    { name: 'http', run: () => app.close() },
    { name: 'publisher', run: () => publisher.drain() },
    ...kafka.shutdown,
  ],
});
