// @ts-check
import { say } from '../lib/util.mjs';
import { ensureKafka } from './kafka.mjs';
import { ensurePostgres } from './postgres.mjs';
import { ensureRedis } from './redis.mjs';

/**
 * Makes Kafka, PostgreSQL and Redis available at the configured addresses, reusing whatever
 * already answers and starting only what is missing. `stop()` stops exactly what it started.
 * `kafka` is set when this started the Kafka broker: its handle, and `restart()` to start it
 * again once it has died (what `stop()` stops follows the restarts).
 * @param {{ root: string, databaseUrls: string[], redisUrl: string, kafkaBrokers: string }} opts
 */
export async function ensureStack(opts) {
  /** @type {{ name: string, stop: () => Promise<void> }[]} */
  const started = [];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    for (const service of started.reverse()) {
      await service
        .stop()
        .catch((error) => say(`could not stop ${service.name}: ${error.message}`));
    }
  };
  const kafkaOpts = {
    brokers: /** @type {string} */ (opts.kafkaBrokers.split(',')[0]).trim(),
    rootDir: opts.root,
    log: say,
  };
  const results = await Promise.allSettled([
    ensurePostgres({ urls: opts.databaseUrls, adminUrl: process.env.PG_ADMIN_URL }).then((r) => ({
      name: 'PostgreSQL',
      ...r,
    })),
    ensureRedis({ url: opts.redisUrl }).then((r) => ({ name: 'Redis', ...r })),
    ensureKafka(kafkaOpts).then((r) => ({ name: 'Kafka', ...r })),
  ]);
  const failures = [];
  for (const result of results) {
    if (result.status === 'rejected') failures.push(result.reason);
    else {
      say(`${result.value.name}: ${result.value.started ? 'started' : 'already running, reused'}`);
      if (result.value.started) started.push(result.value);
    }
  }
  if (failures.length > 0) {
    await stop();
    throw new Error(failures.map((f) => (f instanceof Error ? f.message : String(f))).join('\n'));
  }
  const broker = started.find((service) => service.name === 'Kafka');
  const first = results[2].status === 'fulfilled' ? results[2].value : undefined;
  if (!broker || !first) return { stop, kafka: undefined };
  const kafka = {
    /** @type {import('./kafka.mjs').KafkaHandle} */
    handle: first,
    async restart() {
      if (stopping) throw new Error('the stack is stopping');
      const handle = await ensureKafka(kafkaOpts);
      // stop() may have run while the broker was starting: it stopped the old one only.
      if (stopping) await handle.stop();
      kafka.handle = handle;
      broker.stop = handle.stop;
      return handle;
    },
  };
  return { stop, kafka };
}
