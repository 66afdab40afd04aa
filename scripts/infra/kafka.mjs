// @ts-check
/**
 * A real single-node Apache Kafka broker (KRaft) for local development and CI, without Docker:
 * see kafka/README.md. One module per job, in kafka/: `fetch.mjs` (the jars from Maven Central),
 * `broker.mjs` (reuse or start, configure, await, stop), `probe.mjs` (is it Kafka? via kafkajs),
 * `cli.mjs` (`node scripts/infra/kafka.mjs <start|fetch|status>`).
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export { ensureKafka } from './kafka/broker.mjs';
export { fetchKafkaLibs, KAFKA_VERSION } from './kafka/fetch.mjs';
export { isKafkaAt, probeKafka } from './kafka/probe.mjs';

/** @typedef {import('./kafka/broker.mjs').KafkaHandle} KafkaHandle */

const invokedDirectly =
  process.argv[1] !== undefined &&
  pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url;

if (invokedDirectly) {
  const { main } = await import('./kafka/cli.mjs');
  await main(process.argv[2]).catch((/** @type {unknown} */ error) => {
    console.error(`[kafka] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
