import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  serial,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

const tstz = () => timestamp({ withTimezone: true, mode: 'date', precision: 3 });
const created = () => tstz().notNull().defaultNow();

/** What an operator or an API key may do (SPEC §15): `admin` everything, `viewer` read. */
export const ROLES = ['admin', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const roleCheck = (name: string, column: unknown) =>
  check(name, sql`${column} in ('admin', 'viewer')`);

// The tables Better Auth keeps (users, their sessions, their password accounts, one-time values
// and its sign-in rate limits), with the field names it reads; `role` is ours.

export const users = pgTable(
  'auth_users',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    email: text().notNull().unique(),
    emailVerified: boolean().notNull().default(false),
    image: text(),
    role: text().$type<Role>().notNull().default('viewer'),
    createdAt: created(),
    updatedAt: created(),
  },
  (t) => [roleCheck('auth_users_role', t.role)],
);

export const sessions = pgTable(
  'auth_sessions',
  {
    id: text().primaryKey(),
    token: text().notNull().unique(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: tstz().notNull(),
    ipAddress: text(),
    userAgent: text(),
    createdAt: created(),
    updatedAt: created(),
  },
  (t) => [index('auth_sessions_user_id_idx').on(t.userId)],
);

export const accounts = pgTable(
  'auth_accounts',
  {
    id: text().primaryKey(),
    accountId: text().notNull(),
    providerId: text().notNull(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accessToken: text(),
    refreshToken: text(),
    idToken: text(),
    accessTokenExpiresAt: tstz(),
    refreshTokenExpiresAt: tstz(),
    scope: text(),
    /** The scrypt hash of a password account (never the password). */
    password: text(),
    createdAt: created(),
    updatedAt: created(),
  },
  (t) => [index('auth_accounts_user_id_idx').on(t.userId)],
);

export const verifications = pgTable(
  'auth_verifications',
  {
    id: text().primaryKey(),
    identifier: text().notNull(),
    value: text().notNull(),
    expiresAt: tstz().notNull(),
    createdAt: created(),
    updatedAt: created(),
  },
  (t) => [index('auth_verifications_identifier_idx').on(t.identifier)],
);

/** Better Auth's request counts per client address and path (sign-in attempts among them). */
export const authRateLimits = pgTable('auth_rate_limits', {
  id: text().primaryKey(),
  key: text().notNull().unique(),
  count: integer().notNull(),
  lastRequest: bigint({ mode: 'number' }).notNull(),
});

/**
 * API keys for scripts (SPEC §15): like ingest tokens, only a hash is kept, with a visible
 * prefix to name a key by. A key opens the APIs with its role; it cannot ingest.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: serial().primaryKey(),
    name: text().notNull(),
    prefix: text().notNull().unique(),
    hash: text().notNull().unique(),
    role: text().$type<Role>().notNull(),
    /** The admin who created it (null once that user is removed, or when made by the CLI). */
    createdBy: text().references(() => users.id, { onDelete: 'set null' }),
    createdAt: created(),
    lastUsedAt: tstz(),
    revokedAt: tstz(),
  },
  (t) => [roleCheck('api_keys_role', t.role)],
);

export type UserRow = typeof users.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
