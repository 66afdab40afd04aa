// @ts-check
// The common set-up of `npm start`, `npm test`, `npm run bench` and `npm run infra`, once
// lib/bootstrap.mjs has run: the infrastructure up, migrations applied, the environment to run with.
import { ensureStack } from '../infra/stack.mjs';
import { root } from './bootstrap.mjs';
import { runForeground } from './process.mjs';
import { infrastructure } from './services.mjs';

export { root };

/**
 * Brings up the infrastructure (the manifest's addresses unless the environment or `.env` names
 * others) and applies migrations. Returns the environment the apps and tests run with, a `stop`
 * that undoes what was started, and the Kafka broker it started, if any (see `ensureStack`).
 * @param {{ databaseVar: 'DATABASE_URL' | 'TEST_DATABASE_URL' }} opts
 */
export async function prepare({ databaseVar }) {
  /** @type {Record<keyof typeof infrastructure, string>} */
  const env = { ...infrastructure };
  for (const key of /** @type {(keyof typeof infrastructure)[]} */ (Object.keys(env))) {
    env[key] = process.env[key] || infrastructure[key];
  }
  const databaseUrl = env[databaseVar];
  const stack = await ensureStack({
    root,
    // Both databases, whichever command this is: package tests run on their own
    // (`npm test -w …` beside `npm run infra`) need the test database too.
    databaseUrls: [...new Set([databaseUrl, env.TEST_DATABASE_URL])],
    redisUrl: env.REDIS_URL,
    kafkaBrokers: env.KAFKA_BROKERS,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stack.stop();
  };
  /** @type {NodeJS.ProcessEnv} */
  const runEnv = { ...process.env, ...env, DATABASE_URL: databaseUrl };
  try {
    runForeground('npm', ['run', '--if-present', 'db:migrate'], runEnv, 'migrations', {
      cwd: root,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { env: runEnv, stop, kafka: stack.kafka };
}

/**
 * Runs a command in the repository root in the foreground; throws when it fails.
 * @param {string} cmd @param {string[]} args @param {NodeJS.ProcessEnv} env @param {string} what
 */
export const run = (cmd, args, env, what) => runForeground(cmd, args, env, what, { cwd: root });

/**
 * Runs `work` inside a prepared session (see `prepare`) and exits: 0 when it succeeded, 1 with
 * its message when it threw, 130 on Ctrl-C; what the session started is stopped in every case.
 * @param {{ databaseVar: 'DATABASE_URL' | 'TEST_DATABASE_URL' }} opts
 * @param {(env: NodeJS.ProcessEnv) => void | Promise<void>} work
 */
export async function withSession(opts, work) {
  const { env, stop } = await prepare(opts).catch((error) => {
    console.error(`\n${error.message}`);
    process.exit(1);
  });
  const onSignal = () => void stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let code = 0;
  try {
    await work(env);
  } catch (error) {
    console.error(`\n${error instanceof Error ? error.message : String(error)}`);
    code = 1;
  } finally {
    await stop();
  }
  process.exit(code);
}
