import type { KafkaEnv } from '@weather/core/env';
import type { Logger } from '@weather/core/logger';
import { createKafka, createProducer, ensureTopics, kafkaCheck, pipelineTopics } from './client';

export interface KafkaServiceOptions {
  /** The client id the broker sees (the service's name). */
  clientId: string;
  env: KafkaEnv;
  /** The service's logger; kafkajs's own lines go to a child of it. */
  logger: Logger;
}

/**
 * The Kafka side of a service's entry point (collector, consumer): the process's one client, an
 * admin for topic set-up, readiness and metadata, and a producer. `connect` is the start step
 * (admin, the pipeline's topics, producer); `shutdown` the steps that close them, in that order,
 * for the end of the service's shutdown list (after intake has stopped and flushed).
 */
export function kafkaService({ clientId, env, logger }: KafkaServiceOptions) {
  const client = createKafka({ clientId, brokers: env.KAFKA_BROKERS, logger });
  const admin = client.admin();
  const producer = createProducer(client);
  return {
    /** The client itself, for what only one service makes (the consumer's group member). */
    client,
    admin,
    producer,
    /** Readiness: the cluster answers for the pipeline's topic. */
    check: kafkaCheck(admin, env.KAFKA_TOPIC),
    async connect() {
      await admin.connect();
      await ensureTopics(
        admin,
        pipelineTopics(env.KAFKA_TOPIC, env.KAFKA_TOPIC_PARTITIONS),
        logger,
      );
      await producer.connect();
    },
    shutdown: [
      { name: 'producer', run: () => producer.disconnect() },
      { name: 'admin', run: () => admin.disconnect() },
    ],
  };
}
