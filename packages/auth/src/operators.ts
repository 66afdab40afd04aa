/**
 * Users and API keys (SPEC §15): who may sign in with which role, and which scripts may call the
 * APIs. The one place these tables are written; the CLI, the tRPC procedures and the first-admin
 * set-up all go through it.
 */
import { randomUUID } from 'node:crypto';
import { API_KEY_PATTERN, hashToken, issueToken } from '@weather/core/tokens';
import { accounts, apiKeys, type Database, type Role, sessions, users } from '@weather/db';
import { hashPassword } from 'better-auth/crypto';
import { and, asc, count, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './access';

/** A refusal the caller can act on: `reason` is the API's machine-readable reason. */
export class OperatorError extends Error {
  constructor(
    readonly reason:
      | 'email_taken'
      | 'unknown_user'
      | 'unknown_api_key'
      | 'last_admin'
      | 'already_revoked',
    message: string,
  ) {
    super(message);
    this.name = 'OperatorError';
  }
}

export const roleSchema = z.enum(['admin', 'viewer']);

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

export const newUserSchema = z.object({
  email: z
    .email()
    .max(254)
    .transform((email) => email.toLowerCase()),
  name: z.string().trim().min(1).max(200).optional(),
  password: passwordSchema,
  role: roleSchema.default('viewer'),
});
export type NewUser = z.input<typeof newUserSchema>;

export const newApiKeySchema = z.object({
  name: z.string().trim().min(1).max(200),
  role: roleSchema.default('viewer'),
});

export interface UserInfo {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
}

const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  createdAt: users.createdAt,
};

/** A user with a password account, as Better Auth's email sign-in expects them. */
export async function createUser(db: Database, input: NewUser): Promise<UserInfo> {
  const { email, name, password, role } = newUserSchema.parse(input);
  const hash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const id = randomUUID();
    const [user] = await tx
      .insert(users)
      .values({ id, email, name: name ?? email.split('@')[0] ?? email, role, emailVerified: true })
      .onConflictDoNothing({ target: users.email })
      .returning(userColumns);
    if (!user) throw new OperatorError('email_taken', `A user with email ${email} exists`);
    await tx.insert(accounts).values({
      id: randomUUID(),
      accountId: id,
      providerId: 'credential',
      userId: id,
      password: hash,
    });
    return user;
  });
}

export function listUsers(db: Database): Promise<UserInfo[]> {
  return db.select(userColumns).from(users).orderBy(asc(users.createdAt), asc(users.email));
}

export async function countUsers(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

async function userById(db: Database, id: string): Promise<UserInfo> {
  const [user] = await db.select(userColumns).from(users).where(eq(users.id, id));
  if (!user) throw new OperatorError('unknown_user', `No user with id ${id}`);
  return user;
}

export async function findUserByEmail(db: Database, email: string) {
  const [user] = await db
    .select(userColumns)
    .from(users)
    .where(eq(users.email, email.toLowerCase()));
  return user;
}

/**
 * Locks the admins and refuses a change that would leave none (nobody could manage the system).
 */
async function keepAnAdmin(tx: Database, leaving: string) {
  const admins = await tx
    .select({ id: users.id })
    .from(users)
    .where(eq(users.role, 'admin'))
    .for('update');
  if (admins.length === 1 && admins[0]?.id === leaving) {
    throw new OperatorError('last_admin', 'This is the only admin; make another admin first');
  }
}

export function setRole(db: Database, id: string, role: Role): Promise<UserInfo> {
  return db.transaction(async (tx) => {
    const user = await userById(tx, id);
    if (user.role === role) return user;
    if (user.role === 'admin') await keepAnAdmin(tx, id);
    const [updated] = await tx
      .update(users)
      .set({ role, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning(userColumns);
    return updated as UserInfo;
  });
}

/** Removes a user; their sessions and password go with them (foreign keys cascade). */
export function removeUser(db: Database, id: string): Promise<UserInfo> {
  return db.transaction(async (tx) => {
    const user = await userById(tx, id);
    if (user.role === 'admin') await keepAnAdmin(tx, id);
    await tx.delete(users).where(eq(users.id, id));
    return user;
  });
}

/** Sets a new password and signs the user out everywhere. */
export async function setPassword(db: Database, id: string, password: string) {
  const hash = await hashPassword(passwordSchema.parse(password));
  await db.transaction(async (tx) => {
    await userById(tx, id);
    await tx
      .update(accounts)
      .set({ password: hash, updatedAt: new Date() })
      .where(and(eq(accounts.userId, id), eq(accounts.providerId, 'credential')));
    await tx.delete(sessions).where(eq(sessions.userId, id));
  });
}

/**
 * The first admin, on a database without users (ADMIN_EMAIL / ADMIN_PASSWORD, or `npm start`'s
 * generated one). Does nothing once any user exists; safe for several instances at once (the
 * second one's insert finds the email taken).
 */
export async function ensureFirstAdmin(
  db: Database,
  admin: { email: string; password: string },
): Promise<UserInfo | undefined> {
  if ((await countUsers(db)) > 0) return undefined;
  try {
    return await createUser(db, { ...admin, role: 'admin' });
  } catch (error) {
    if (error instanceof OperatorError && error.reason === 'email_taken') return undefined;
    throw error;
  }
}

export interface ApiKeyInfo {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const keyColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  role: apiKeys.role,
  createdBy: users.email,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

/** A new key: the key itself is in the answer only, never stored (its SHA-256 is). */
export async function createApiKey(
  db: Database,
  input: z.input<typeof newApiKeySchema>,
  createdBy?: string,
): Promise<{ key: string; info: ApiKeyInfo }> {
  const { name, role } = newApiKeySchema.parse(input);
  const { token, prefix, hash } = issueToken('api_key');
  const [row] = await db
    .insert(apiKeys)
    .values({ name, role, prefix, hash, createdBy: createdBy ?? null })
    .returning({ id: apiKeys.id });
  const info = await apiKeyById(db, (row as { id: number }).id);
  return { key: token, info };
}

async function apiKeyById(db: Database, id: number): Promise<ApiKeyInfo> {
  const [info] = await db
    .select(keyColumns)
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(eq(apiKeys.id, id));
  if (!info) throw new OperatorError('unknown_api_key', `No API key with id ${id}`);
  return info;
}

export function listApiKeys(db: Database): Promise<ApiKeyInfo[]> {
  return db
    .select(keyColumns)
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .orderBy(asc(apiKeys.id));
}

/** Revokes at once: the next request with the key is refused. */
export async function revokeApiKey(db: Database, id: number): Promise<ApiKeyInfo> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (!row) {
    const existing = await apiKeyById(db, id);
    throw new OperatorError('already_revoked', `API key ${existing.prefix}… is already revoked`);
  }
  return apiKeyById(db, id);
}

/** `last_used_at` is written at most this often per key, so a busy script costs no writes. */
const TOUCH_EVERY_MS = 60_000;

/**
 * The live key a request presents, or undefined (unknown, revoked or not an API key). Records its
 * use, at most once a minute, without making the request wait for it.
 */
export async function verifyApiKey(
  db: Database,
  key: string,
): Promise<{ id: number; name: string; role: Role } | undefined> {
  if (!API_KEY_PATTERN.test(key)) return undefined;
  const [row] = await db
    .select({ id: apiKeys.id, name: apiKeys.name, role: apiKeys.role })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hashToken(key)), isNull(apiKeys.revokedAt)));
  if (!row) return undefined;
  const stale = new Date(Date.now() - TOUCH_EVERY_MS);
  db.update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, stale))),
    )
    .then(
      () => {},
      () => {},
    );
  return row;
}
