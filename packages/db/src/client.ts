import { drizzle } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema';

export type Schema = typeof schema;

/**
 * Any Drizzle PostgreSQL database with our schema: a pool, a transaction, or the in-process
 * TimescaleDB used in tests. Query functions take one of these first.
 */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DbOptions {
  url: string;
  /** Connections in the pool. */
  max?: number;
  /** Server-side limit for every statement on these connections, in ms (0 = none). */
  statementTimeoutMs?: number;
  applicationName?: string;
}

/** A node-postgres pool and the Drizzle database over it; `close()` ends the pool. */
export function createDb(options: DbOptions) {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName,
    statement_timeout: options.statementTimeoutMs || undefined,
  });
  // An idle client losing its connection (server restart) must not crash the process; the pool
  // replaces it on next checkout.
  pool.on('error', () => {});
  const db = drizzle({ client: pool, schema, casing: 'snake_case' });
  return { db, pool, close: () => pool.end() };
}

/** Rows of a raw `db.execute(sql)` result, whichever driver ran it. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
