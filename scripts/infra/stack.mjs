// @ts-check
import { say } from '../lib/util.mjs';
import { ensureKafka } from './kafka.mjs';
import { ensurePostgres } from './postgres.mjs';
import { ensureRedis } from './redis.mjs';

/**
 * Makes Kafka, PostgreSQL and Redis available at the configured addresses, reusing whatever
 * already answers and starting only what is missing. `stop()` stops exactly what it started.
 * @param {{ root: string, databaseUrls: string[], redisUrl: string, kafkaBrokers: string }} opts
 */
export async function ensureStack(opts) {
  /** @type {{ name: string, stop: () => Promise<void> }[]} */
  const started = [];
  const stop = async () => {
    for (const service of started.reverse()) {
      await service
        .stop()
        .catch((error) => say(`could not stop ${service.name}: ${error.message}`));
    }
  };
  const results = await Promise.allSettled([
    ensurePostgres({ urls: opts.databaseUrls, adminUrl: process.env.PG_ADMIN_URL }).then((r) => ({
      name: 'PostgreSQL',
      ...r,
    })),
    ensureRedis({ url: opts.redisUrl }).then((r) => ({ name: 'Redis', ...r })),
    ensureKafka({
      brokers: /** @type {string} */ (opts.kafkaBrokers.split(',')[0]).trim(),
      rootDir: opts.root,
      log: say,
    }).then((r) => ({ name: 'Kafka', ...r })),
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
  return { stop };
}
