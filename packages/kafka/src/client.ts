import { deadLetterTopic } from '@weather/contracts/kafka-message';
import type { Logger } from '@weather/core/logger';
import { type Admin, Kafka, logLevel as KafkaLogLevel, type LogEntry, Partitioners } from 'kafkajs';

export interface KafkaOptions {
  clientId: string;
  brokers: string[];
  logger: Logger;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/** The process's one Kafka client, with kafkajs's own log lines routed into our logger. */
export function createKafka({ clientId, brokers, logger }: KafkaOptions): Kafka {
  const log = logger.child({ module: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    // Connection-level retries stay short: callers decide what a failure means (503, pause).
    retry: { initialRetryTime: 200, maxRetryTime: 2000, retries: 3 },
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({
        namespace,
        level,
        log: { message, timestamp: _timestamp, logger: _logger, ...extra },
      }: LogEntry) =>
        log[LEVELS[level] ?? 'info']({ namespace, ...extra }, message),
  });
}

/**
 * A producer for our topics: never auto-creates topics; the Java client's partitioner (murmur2
 * of the key), so a station maps to the same partition from any client; not idempotent, since
 * that allows one request in flight per broker and the consumer drops duplicates anyway.
 */
export function createProducer(kafka: Kafka) {
  return kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

export interface TopicSpec {
  topic: string;
  partitions: number;
}

/** The readings topic and its dead-letter topic, as both collector and consumer create them. */
export function pipelineTopics(topic: string, partitions: number): TopicSpec[] {
  return [
    { topic, partitions },
    { topic: deadLetterTopic(topic), partitions: 1 },
  ];
}

/**
 * Creates missing topics with their configured partition count (auto-creation is never relied
 * on). An existing topic with fewer partitions is reported, not altered: adding partitions
 * moves keys between partitions and breaks per-station order.
 */
export async function ensureTopics(admin: Admin, specs: TopicSpec[], logger: Logger) {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      // kafkajs waits 5 s by default; a broker that just started, on a busy machine, can take longer.
      timeout: 30_000,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor: -1,
      })),
    });
    logger.info({ topics: missing }, 'created topics');
  }
  const metadata = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) });
  for (const spec of specs) {
    const found = metadata.topics.find((t) => t.name === spec.topic)?.partitions.length ?? 0;
    if (found < spec.partitions) {
      logger.warn(
        { topic: spec.topic, partitions: found, configured: spec.partitions },
        'topic has fewer partitions than configured',
      );
    }
  }
}

/** Readiness: the cluster answers a metadata request for `topic`. */
export function kafkaCheck(admin: Admin, topic: string) {
  return {
    name: 'kafka',
    check: async () => void (await admin.fetchTopicMetadata({ topics: [topic] })),
  };
}

/** How many partitions `topic` has (the broker's metadata). */
export async function topicPartitions(admin: Admin, topic: string): Promise<number> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const count = topics[0]?.partitions.length ?? 0;
  if (count === 0) throw new Error(`topic ${topic} has no partitions`);
  return count;
}
