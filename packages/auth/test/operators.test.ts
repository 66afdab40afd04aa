import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { infrastructure } from '@weather/core/services';
import { issueToken } from '@weather/core/tokens';
import { accounts, users } from '@weather/db';
import { createTestDatabase } from '@weather/db/testing';
import { verifyPassword } from 'better-auth/crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiKey,
  createUser,
  ensureFirstAdmin,
  isSameOrigin,
  listApiKeys,
  listUsers,
  OperatorError,
  removeUser,
  revokeApiKey,
  setPassword,
  setRole,
  verifyApiKey,
} from '../src';

// Users, API keys and the admin CLI over a real PostgreSQL database.
const baseUrl = process.env.DATABASE_URL ?? infrastructure.TEST_DATABASE_URL;
const PASSWORD = 'correct horse battery staple';
const run = promisify(execFile);
const packageDir = path.resolve(import.meta.dirname, '..');

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase(baseUrl, 'operators');
});

afterAll(() => database?.drop());

const refusal = (work: Promise<unknown>) =>
  work.then(
    () => 'no refusal',
    (error: unknown) => (error instanceof OperatorError ? error.reason : String(error)),
  );

describe('users', () => {
  it('stores a scrypt hash, never the password, and lowercases the email', async () => {
    const user = await createUser(database.db, { email: 'Ops@Example.org', password: PASSWORD });
    expect(user).toMatchObject({ email: 'ops@example.org', role: 'viewer', name: 'ops' });
    const [account] = await database.db.select().from(accounts).where(eq(accounts.userId, user.id));
    expect(account?.providerId).toBe('credential');
    expect(account?.password).not.toContain(PASSWORD);
    expect(await verifyPassword({ hash: account?.password as string, password: PASSWORD })).toBe(
      true,
    );
  });

  it('refuses a taken email, a bad email, a short password and an unknown role', async () => {
    expect(
      await refusal(createUser(database.db, { email: 'ops@example.org', password: PASSWORD })),
    ).toBe('email_taken');
    for (const input of [
      { email: 'not an email', password: PASSWORD },
      { email: 'x@example.org', password: 'short' },
      { email: 'x@example.org', password: PASSWORD, role: 'root' },
    ]) {
      await expect(createUser(database.db, input as never)).rejects.toThrow(
        /invalid|expected|characters/i,
      );
    }
  });

  it('never leaves the system without an admin', async () => {
    const admin = await createUser(database.db, {
      email: 'first@example.org',
      password: PASSWORD,
      role: 'admin',
    });
    expect(await refusal(setRole(database.db, admin.id, 'viewer'))).toBe('last_admin');
    expect(await refusal(removeUser(database.db, admin.id))).toBe('last_admin');
    const second = await createUser(database.db, {
      email: 'second@example.org',
      password: PASSWORD,
      role: 'admin',
    });
    expect((await setRole(database.db, admin.id, 'viewer')).role).toBe('viewer');
    expect(await refusal(removeUser(database.db, second.id))).toBe('last_admin');
    expect(await refusal(setRole(database.db, 'nobody', 'admin'))).toBe('unknown_user');
  });

  it('resets a password', async () => {
    const [user] = (await listUsers(database.db)).filter((u) => u.email === 'ops@example.org');
    await setPassword(database.db, user?.id as string, 'another long password');
    const [account] = await database.db
      .select()
      .from(accounts)
      .where(eq(accounts.userId, user?.id as string));
    expect(
      await verifyPassword({
        hash: account?.password as string,
        password: 'another long password',
      }),
    ).toBe(true);
    await expect(setPassword(database.db, user?.id as string, 'short')).rejects.toThrow();
  });

  it('creates the first admin only on a database without users', async () => {
    expect(
      await ensureFirstAdmin(database.db, { email: 'late@example.org', password: PASSWORD }),
    ).toBeUndefined();
    expect(
      (await database.db.select().from(users).where(eq(users.email, 'late@example.org'))).length,
    ).toBe(0);
  });
});

describe('API keys', () => {
  it('is shown once, verified by hash, recorded when used, and refused once revoked', async () => {
    const { key, info } = await createApiKey(database.db, { name: 'grafana', role: 'viewer' });
    expect(key).toMatch(/^wxk_[A-Za-z0-9_-]{32}$/);
    expect(info.prefix).toBe(key.slice(0, 12));
    expect(JSON.stringify(await listApiKeys(database.db))).not.toContain(key);
    expect(await verifyApiKey(database.db, key)).toEqual({
      id: info.id,
      name: 'grafana',
      role: 'viewer',
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [listed] = (await listApiKeys(database.db)).filter((k) => k.id === info.id);
    expect(listed?.lastUsedAt).toBeInstanceOf(Date);
    await revokeApiKey(database.db, info.id);
    expect(await verifyApiKey(database.db, key)).toBeUndefined();
    expect(await refusal(revokeApiKey(database.db, info.id))).toBe('already_revoked');
    expect(await refusal(revokeApiKey(database.db, 999_999))).toBe('unknown_api_key');
  });

  it('takes no ingest token and nothing malformed for a key', async () => {
    for (const bad of [issueToken('station').token, issueToken('gateway').token, '', 'wxk_short']) {
      expect(await verifyApiKey(database.db, bad)).toBeUndefined();
    }
    await expect(createApiKey(database.db, { name: '', role: 'viewer' })).rejects.toThrow();
    await expect(
      createApiKey(database.db, { name: 'x', role: 'owner' as 'viewer' }),
    ).rejects.toThrow();
  });
});

describe('isSameOrigin', () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);
  it('accepts the page’s own host and trusted origins, nothing else', () => {
    expect(isSameOrigin(headers({ host: 'wx.lan:3000', origin: 'http://wx.lan:3000' }), [])).toBe(
      true,
    );
    expect(
      isSameOrigin(headers({ host: 'a', origin: 'https://b.example' }), ['https://b.example']),
    ).toBe(true);
    expect(isSameOrigin(headers({ host: 'wx.lan:3000', origin: 'http://evil.example' }), [])).toBe(
      false,
    );
    expect(isSameOrigin(headers({ host: 'wx.lan:3000', origin: 'null' }), [])).toBe(false);
    expect(isSameOrigin(headers({ host: 'wx.lan:3000' }), [])).toBe(false);
    expect(
      isSameOrigin(headers({ host: 'wx.lan:3000', 'sec-fetch-site': 'same-origin' }), []),
    ).toBe(true);
    expect(isSameOrigin(headers({ host: 'wx.lan:3000', origin: 'not a url' }), [])).toBe(false);
    // The scheme counts: a plain-http page does not vouch for the https dashboard.
    expect(
      isSameOrigin(headers({ host: 'wx.example', origin: 'http://wx.example' }), [], 'https:'),
    ).toBe(false);
    expect(
      isSameOrigin(headers({ host: 'wx.example', origin: 'https://wx.example' }), [], 'https:'),
    ).toBe(true);
  });
});

describe('npm run admin', () => {
  const admin = (args: string[], stdin?: string, env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli.ts', ...args],
        {
          cwd: packageDir,
          env: { ...process.env, DATABASE_URL: database.url, ...env },
          timeout: 60_000,
        },
        (error, stdout, stderr) =>
          resolve({
            code: error ? Number((error as { code?: number }).code ?? 1) : 0,
            stdout,
            stderr,
          }),
      );
      child.stdin?.end(stdin ?? '');
    });

  it('creates a user from a password on stdin, refuses a taken email and bad input', async () => {
    const created = await admin(['create', 'cli@example.org', '--password-stdin'], `${PASSWORD}\n`);
    expect(created).toMatchObject({ code: 0, stdout: 'created admin cli@example.org\n' });
    expect((await admin(['create', 'cli@example.org', '--password-stdin'], PASSWORD)).code).toBe(3);
    const short = await admin(['create', 'x@example.org', '--password-stdin'], 'short');
    expect(short.code).toBe(65);
    expect(short.stderr).toMatch(/password: must be at least 12 characters/);
    expect((await admin(['frobnicate'])).code).toBe(64);
  });

  it('prints a new API key once, on stdout alone', async () => {
    const made = await admin(['api-key', 'create', '--name', 'ci']);
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/^wxk_[A-Za-z0-9_-]{32}\n$/);
    expect(await verifyApiKey(database.db, made.stdout.trim())).toMatchObject({ role: 'viewer' });
  });

  it('says on first-run that users exist, and prints no password', async () => {
    const { code, stdout } = await admin(['first-run']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/user\(s\) exist/);
  });

  it('creates the first admin of an empty database with a random password, shown once', async () => {
    const empty = await createTestDatabase(baseUrl, 'first_run');
    try {
      const first = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'first-run'], {
        cwd: packageDir,
        env: { ...process.env, DATABASE_URL: empty.url },
      });
      const match =
        /^first admin: admin@weather\.local {2}password: (\S+) {2}\(shown once\)\n$/.exec(
          first.stdout,
        );
      expect(match).not.toBeNull();
      const again = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'first-run'], {
        cwd: packageDir,
        env: { ...process.env, DATABASE_URL: empty.url },
      });
      expect(again.stdout).not.toContain(match?.[1] as string);
      const [account] = await empty.db.select().from(accounts);
      expect(
        await verifyPassword({ hash: account?.password as string, password: match?.[1] as string }),
      ).toBe(true);
    } finally {
      await empty.drop();
    }
  });
});
