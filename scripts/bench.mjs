// @ts-check
// `npm run bench [-- --quick]`: the infrastructure (as for `npm test`, on the test database
// server), kcat for the Kafka reference, the apps built, then the benchmark harness in bench/.
// Without --quick the README's performance table is replaced with this run's. Stops what it started.
import { bootstrap } from './lib/bootstrap.mjs';

bootstrap();
const { benchmark } = await import('./lib/bench.mjs');
const { withSession } = await import('./lib/session.mjs');

const args = process.argv.slice(2);
await withSession({ databaseVar: 'TEST_DATABASE_URL' }, (env) =>
  benchmark(env, args.includes('--quick') ? args : ['--readme', ...args]),
);
