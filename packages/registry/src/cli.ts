/**
 * `npm run stations -- …`: the station registry from a shell (SPEC §12). Input is validated
 * before anything connects; `--help` lists the commands and the exit codes.
 */
import { defaults, parseEnv, sharedVars } from '@weather/core/env';
import {
  createDb,
  type Database,
  migrateWithLock,
  timescaleSettingsFromEnv,
  timescaleSettingsVars,
} from '@weather/db';
import { z } from 'zod';
import { parseInvocation } from './cli/args';
import { type Outcome, runCommand } from './cli/commands';
import { EXIT, explain } from './cli/errors';
import { USAGE } from './cli/help';
import { notifyCollectors } from './cli/notify';

// The TimescaleDB settings too: migrating re-applies them, and must not reset an operator's.
const envSchema = z.object({
  DATABASE_URL: sharedVars.DATABASE_URL,
  REDIS_URL: sharedVars.REDIS_URL,
  ...timescaleSettingsVars,
});
type Env = z.infer<typeof envSchema>;

async function main(argv: string[]): Promise<number> {
  let databaseUrl = defaults.DATABASE_URL;
  try {
    const { command, json } = parseInvocation(argv);
    if (command.verb === 'help') {
      (command.asked ? process.stdout : process.stderr).write(USAGE);
      return command.asked ? EXIT.ok : EXIT.usage;
    }
    const env = parseEnv(envSchema);
    databaseUrl = env.DATABASE_URL;
    const outcome = await withDatabase(env, (db) => runCommand(db, command));
    print(outcome, json);
    if (outcome.changed) {
      const warning = await notifyCollectors(env.REDIS_URL);
      if (warning) console.warn(warning);
    }
    return EXIT.ok;
  } catch (error) {
    const { exitCode, message } = explain(error, databaseUrl);
    console.error(`error: ${message}`);
    return exitCode;
  }
}

/** Runs `work` on a migrated database, then closes the pool so the process can end. */
async function withDatabase<T>(env: Env, work: (db: Database) => Promise<T>): Promise<T> {
  const { db, pool, close } = createDb({
    url: env.DATABASE_URL,
    max: 2,
    applicationName: 'stations-cli',
  });
  try {
    await migrateWithLock(pool, db, timescaleSettingsFromEnv(env));
    return await work(db);
  } finally {
    await close();
  }
}

/** The answer on stdout; a new token last, and nowhere else. */
function print(outcome: Outcome, json: boolean) {
  if (json) {
    const body =
      outcome.token === undefined ? outcome.json : { ...outcome.json, token: outcome.token };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  const lines = [...outcome.text];
  if (outcome.token !== undefined) {
    lines.push('This token will not be shown again; store it now:', outcome.token);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

process.exitCode = await main(process.argv.slice(2));
