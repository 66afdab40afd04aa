// @ts-check
// Is it Kafka? Asked with kafkajs (the apps' client): a broker answers its handshake (ApiVersions)
// and a Metadata request; an HTTP server, a database or a half-open port fails them.
import { Kafka, logLevel } from 'kafkajs';
import { formatHostPort, parseHostPort } from '../../lib/util.mjs';

/**
 * @typedef {{ state: 'kafka', brokers: number }
 *   | { state: 'closed' }
 *   | { state: 'other', reason: string }} Probe
 *   `kafka`: a broker answered; `brokers` is how many live brokers its metadata lists (0 while
 *   it is still registering, so not usable yet). `closed`: nothing accepts connections.
 *   `other`: something accepts connections but does not answer as Kafka (or not yet: a broker
 *   starting or stopping also accepts and stays silent).
 */

/**
 * Probes the first address of a KAFKA_BROKERS-style list.
 * @param {string} brokers e.g. "127.0.0.1:9092" or "host:9092,host2:9092"
 * @returns {Promise<Probe>}
 */
export async function probeKafka(brokers) {
  const target = parseHostPort(brokers);
  const kafka = new Kafka({
    clientId: 'weather-infra-probe',
    brokers: [formatHostPort(target)],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const { brokers: live } = await admin.describeCluster();
    return { state: 'kafka', brokers: live.length };
  } catch (error) {
    if (connectFailed(error)) return { state: 'closed' };
    return { state: 'other', reason: error instanceof Error ? error.message : String(error) };
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** True when a Kafka broker answers at the first address of `brokers` (not merely an open port). */
export async function isKafkaAt(/** @type {string} */ brokers) {
  return (await probeKafka(brokers)).state === 'kafka';
}

/**
 * Whether kafkajs failed before a connection existed (refused, unreachable, timed out), as
 * opposed to a peer that accepted and then did not speak Kafka.
 */
function connectFailed(/** @type {unknown} */ error) {
  const cause = /** @type {{ cause?: { name?: string, code?: unknown, message?: string } }} */ (
    error
  ).cause;
  if (cause?.name !== 'KafkaJSConnectionError') return false;
  return typeof cause.code === 'string' || cause.message === 'Connection timeout';
}
