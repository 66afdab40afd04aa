import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { timescaledb } from '@electric-sql/pglite/timescaledb';
import { drizzle } from 'drizzle-orm/pglite';
import pg from 'pg';
import { createDb, type Database } from './client';
import { migrate } from './migrate';
import * as schema from './schema';

/**
 * An in-process PostgreSQL with the real TimescaleDB extension (PGlite built with TimescaleDB),
 * migrated like production. For tests of the TimescaleDB code path on machines without a
 * TimescaleDB server; not for running services.
 */
export async function createTimescaleTestDb() {
  const client = new PGlite({ extensions: { timescaledb } });
  const db = drizzle({ client, schema, casing: 'snake_case' }) as unknown as Database;
  const migration = await migrate(db);
  return { db, client, migration, close: () => client.close() };
}

/**
 * A fresh, migrated PostgreSQL database on the server at `baseUrl` (whose role needs CREATEDB),
 * so test files never share rows. `drop()` removes it.
 */
export async function createTestDatabase(baseUrl: string, label = 'test') {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const name = `${new URL(baseUrl).pathname.slice(1)}_${label}_${randomBytes(4).toString('hex')}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const handle = createDb({ url: url.toString(), max: 4, applicationName: `test-${label}` });
  const migration = await migrate(handle.db);
  return {
    ...handle,
    url: url.toString(),
    name,
    migration,
    drop: async () => {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: baseUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
