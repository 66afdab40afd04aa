/**
 * `npm run admin -- <command>`: operators and API keys from a shell (SPEC §15).
 *
 *   create <email> [--role admin|viewer] [--name NAME] [--password-stdin]
 *   set-password <email> [--password-stdin]
 *   list
 *   api-key create --name NAME [--role viewer|admin]
 *   first-run          on a database without users: admin@weather.local (or ADMIN_EMAIL) with a
 *                      random password (or ADMIN_PASSWORD), printed once; else says who exists
 *
 * Passwords are prompted without echo, or read from stdin with --password-stdin; never taken as
 * an argument (it would sit in the shell history and the process list).
 */
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { parseEnv, sharedVars } from '@weather/core/env';
import { classifyDatabaseError, createDb } from '@weather/db';
import { z } from 'zod';
import {
  countUsers,
  createApiKey,
  createUser,
  ensureFirstAdmin,
  findUserByEmail,
  listUsers,
  OperatorError,
  setPassword,
} from './operators';

const USAGE = `usage: npm run admin -- <command>
  create <email> [--role admin|viewer] [--name NAME] [--password-stdin]
  set-password <email> [--password-stdin]
  list
  api-key create --name NAME [--role viewer|admin]
  first-run`;

/** The default first admin of a fresh local database: an address email checks accept. */
export const DEFAULT_ADMIN_EMAIL = 'admin@weather.local';

const env = parseEnv(
  z.object({
    DATABASE_URL: sharedVars.DATABASE_URL,
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().optional(),
  }),
);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    role: { type: 'string' },
    name: { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  // Echo nothing while the password is typed.
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  process.stdout.write('password: ');
  output._writeToOutput = () => {};
  const password = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return password;
}

async function main(): Promise<number> {
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    print(USAGE);
    return values.help ? 0 : 64;
  }
  const database = createDb({ url: env.DATABASE_URL, max: 1, applicationName: 'admin-cli' });
  const db = database.db;
  try {
    switch (command) {
      case 'create': {
        const email = rest[0];
        if (!email) throw new UsageError('create needs an email');
        const role = values.role ?? 'admin';
        const password = await readPassword(values['password-stdin']);
        const user = await createUser(db, {
          email,
          password,
          role: role as 'admin',
          name: values.name,
        });
        print(`created ${user.role} ${user.email}`);
        return 0;
      }
      case 'set-password': {
        const email = rest[0];
        if (!email) throw new UsageError('set-password needs an email');
        const user = await findUserByEmail(db, email);
        if (!user) throw new OperatorError('unknown_user', `No user with email ${email}`);
        await setPassword(db, user.id, await readPassword(values['password-stdin']));
        print(`set the password of ${user.email}; their sessions are signed out`);
        return 0;
      }
      case 'list': {
        for (const u of await listUsers(db)) {
          print(`${u.role.padEnd(7)} ${u.email}  (${u.name}, since ${u.createdAt.toISOString()})`);
        }
        return 0;
      }
      case 'api-key': {
        if (rest[0] !== 'create' || !values.name)
          throw new UsageError('api-key create --name NAME');
        const { key, info } = await createApiKey(db, {
          name: values.name,
          role: (values.role ?? 'viewer') as 'viewer',
        });
        console.error(`created ${info.role} API key "${info.name}" (${info.prefix}…); shown once:`);
        print(key);
        return 0;
      }
      case 'first-run': {
        const email = env.ADMIN_EMAIL ?? DEFAULT_ADMIN_EMAIL;
        const generated = !env.ADMIN_PASSWORD;
        const password = env.ADMIN_PASSWORD ?? randomBytes(15).toString('base64url');
        const admin = await ensureFirstAdmin(db, { email, password });
        if (admin && generated) {
          print(`first admin: ${admin.email}  password: ${password}  (shown once)`);
        } else if (admin) {
          print(`first admin: ${admin.email} (password from ADMIN_PASSWORD)`);
        } else {
          print(`${await countUsers(db)} user(s) exist; sign in as one of them`);
        }
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } finally {
    await database.close();
  }
}

class UsageError extends Error {}

function print(line: string) {
  process.stdout.write(`${line}\n`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`);
      process.exit(64);
    }
    if (error instanceof OperatorError) {
      console.error(error.message);
      process.exit(error.reason === 'email_taken' ? 3 : 2);
    }
    if (error instanceof z.ZodError) {
      console.error(
        `invalid: ${error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`,
      );
      process.exit(65);
    }
    // The database's own message, never the statement and its parameters (a password hash).
    console.error(`failed: ${classifyDatabaseError(error).message}`);
    process.exit(1);
  },
);
