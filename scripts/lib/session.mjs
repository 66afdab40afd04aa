// @ts-check
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureStack } from '../infra/stack.mjs';
import { ensureDependencies } from './deps.mjs';
import { say } from './util.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Local defaults; `.env.example` documents the same values and `.env` overrides them. */
export const defaults = {
  DATABASE_URL: 'postgres://weather:weather@127.0.0.1:5432/weather',
  TEST_DATABASE_URL: 'postgres://weather:weather@127.0.0.1:5432/weather_test',
  REDIS_URL: 'redis://127.0.0.1:6379',
  KAFKA_BROKERS: '127.0.0.1:9092',
};

/**
 * The common set-up of `npm start` and `npm test`: check Node, read `.env`, install
 * dependencies, bring up the infrastructure and apply migrations. Returns the environment the
 * apps and tests run with, a `stop` that undoes what was started (also on Ctrl-C), and the Kafka
 * broker it started, if any (see `ensureStack`).
 * @param {{ databaseVar: 'DATABASE_URL' | 'TEST_DATABASE_URL' }} opts
 */
export async function prepare({ databaseVar }) {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new Error(`Node.js >= 20.19 is required (this is ${process.version}); see .nvmrc.`);
  }
  if (existsSync(path.join(root, '.env'))) process.loadEnvFile(path.join(root, '.env'));
  /** @type {Record<string, string>} */
  const env = {};
  for (const [key, value] of Object.entries(defaults)) env[key] = process.env[key] || value;
  env.DATABASE_URL = env[databaseVar] ?? defaults.DATABASE_URL;

  ensureDependencies(root);
  const stack = await ensureStack({
    root,
    // Both databases, whichever command this is: package tests run on their own
    // (`npm test -w …` beside `npm run infra`) need the test database too.
    databaseUrls: [
      ...new Set([env.DATABASE_URL, env.TEST_DATABASE_URL ?? defaults.TEST_DATABASE_URL]),
    ],
    redisUrl: env.REDIS_URL ?? defaults.REDIS_URL,
    kafkaBrokers: env.KAFKA_BROKERS ?? defaults.KAFKA_BROKERS,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stack.stop();
  };
  try {
    run('npm', ['run', '--if-present', 'db:migrate'], { ...process.env, ...env }, 'migrations');
  } catch (error) {
    await stop();
    throw error;
  }
  return { env: { ...process.env, ...env }, stop, kafka: stack.kafka };
}

/**
 * Runs a command in the foreground with inherited output; throws when it fails.
 * @param {string} cmd @param {string[]} args @param {NodeJS.ProcessEnv} env @param {string} what
 */
export function run(cmd, args, env, what) {
  say(`${what}: ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(
      `${what} failed (${cmd} ${args.join(' ')} exited ${result.status ?? result.signal})`,
    );
  }
}

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
