import { createLogger } from '@weather/core/logger';
import {
  BatchingPublisher,
  createKafka,
  createProducer,
  ensureTopics,
  kafkaCheck,
  pipelineTopics,
  topicPartitions,
} from '@weather/kafka';
import { runService } from '@weather/server';
import { createApp, serviceInfo } from './app';
import { loadEnv } from './env';

const env = loadEnv();
const logger = createLogger({ service: serviceInfo.name, level: env.LOG_LEVEL });
const kafka = createKafka({ clientId: 'collector', brokers: env.KAFKA_BROKERS, logger });
const admin = kafka.admin();
const producer = createProducer(kafka);
const publisher = new BatchingPublisher(producer, {
  topic: env.KAFKA_TOPIC,
  lingerMs: env.COLLECTOR_LINGER_MS,
  maxBatchRecords: env.COLLECTOR_MAX_BATCH_RECORDS,
  maxInFlight: env.COLLECTOR_MAX_IN_FLIGHT,
  logger,
});
const app = await createApp({
  logger,
  sink: publisher,
  checks: [kafkaCheck(admin, env.KAFKA_TOPIC)],
});

await runService({
  logger,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    await admin.connect();
    await ensureTopics(admin, pipelineTopics(env.KAFKA_TOPIC, env.KAFKA_TOPIC_PARTITIONS), logger);
    publisher.partitions = await topicPartitions(admin, env.KAFKA_TOPIC);
    await producer.connect();
    await app.listen({ host: env.HOST, port: env.COLLECTOR_PORT });
  },
  shutdown: [
    { name: 'http', run: () => app.close() },
    { name: 'publisher', run: () => publisher.drain() },
    { name: 'producer', run: () => producer.disconnect() },
    { name: 'admin', run: () => admin.disconnect() },
  ],
});
