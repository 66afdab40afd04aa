import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from '@weather/core/logger';
import {
  BatchingPublisher,
  createKafka,
  createProducer,
  ensureTopics,
  kafkaCheck,
} from '@weather/kafka';
import { type AppDeps, createApp } from '../src/app';

export const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const silentLogger = () =>
  createLogger({
    service: 'collector',
    destination: new Writable({ write: (_c, _e, cb) => cb() }),
  });

/**
 * The collector app around a real producer writing to a fresh topic of the test broker, called
 * without a port; `close` removes the topic. `brokerDown` builds it around a producer that is
 * not connected and a readiness check against a port where no broker listens.
 */
export async function kafkaApp(
  label: string,
  options: Partial<AppDeps> & { brokerDown?: boolean } = {},
) {
  const logger = silentLogger();
  const topic = `weather.readings.test-${label}-${randomBytes(4).toString('hex')}`;
  const kafka = createKafka({ clientId: `collector-${label}`, brokers, logger });
  const admin = kafka.admin();
  const producer = createProducer(kafka);
  const unreachable = createKafka({
    clientId: 'nowhere',
    brokers: ['127.0.0.1:1'],
    logger,
  }).admin();
  if (!options.brokerDown) {
    await admin.connect();
    await ensureTopics(admin, [{ topic, partitions: 2 }], logger);
    await producer.connect();
  }
  const sink = new BatchingPublisher(producer, {
    topic,
    lingerMs: 2,
    maxBatchRecords: 500,
    maxInFlight: 2,
    logger,
  });
  sink.partitions = 2;
  const app = await createApp({
    logger,
    sink,
    checks: [kafkaCheck(options.brokerDown ? unreachable : admin, topic)],
    retryAfterSeconds: 1,
    ...options,
  });
  return {
    app,
    admin,
    kafka,
    topic,
    async close() {
      await app.close();
      if (options.brokerDown) return;
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    },
  };
}
