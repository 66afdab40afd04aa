// @ts-check
// `node scripts/infra/kafka.mjs <start|fetch|status>`: the local broker by hand (after npm ci).
import path from 'node:path';
import { infrastructure } from '../../lib/services.mjs';
import { ensureKafka } from './broker.mjs';
import { fetchKafkaLibs, KAFKA_VERSION } from './fetch.mjs';
import { isKafkaAt } from './probe.mjs';

const USAGE =
  'Usage: node scripts/infra/kafka.mjs <start|fetch|status>\n' +
  '  start   start a local Kafka broker at $KAFKA_BROKERS (default 127.0.0.1:9092), or reuse one; Ctrl-C stops it\n' +
  '  fetch   only download the broker jars into .cache/kafka\n' +
  '  status  exit 0 if a Kafka broker answers at $KAFKA_BROKERS';

/** @param {string | undefined} command */
export async function main(command) {
  const rootDir = path.resolve(import.meta.dirname, '../../..');
  const brokers = process.env.KAFKA_BROKERS || infrastructure.KAFKA_BROKERS;
  const log = (/** @type {string} */ msg) => process.stdout.write(`[kafka] ${msg}\n`);
  switch (command) {
    case 'fetch': {
      const libs = await fetchKafkaLibs({ rootDir, log });
      log(`Kafka ${KAFKA_VERSION} jars are in ${path.relative(rootDir, libs)}.`);
      return;
    }
    case 'status': {
      const up = await isKafkaAt(brokers);
      log(up ? `Kafka answers at ${brokers}.` : `No Kafka broker at ${brokers}.`);
      process.exitCode = up ? 0 : 1;
      return;
    }
    case 'start': {
      const kafka = await ensureKafka({ brokers, rootDir, log });
      if (!kafka.started) return; // someone else owns that broker; nothing to keep alive
      log('Press Ctrl-C to stop.');
      let stopping = false;
      const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
        stopping = true;
        log(`${signal} received.`);
        kafka.stop().then(
          () => process.exit(0),
          (error) => {
            console.error(error);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const code = await kafka.exited;
      // If we are stopping, the signal handler exits once the port is free.
      if (!stopping) process.exitCode = code || 1;
      return;
    }
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}
