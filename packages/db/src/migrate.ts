import { createRequire } from 'node:module';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Database } from './client';
import {
  applyTimescaleSettings,
  defaultTimescaleSettings,
  type TimescaleSettings,
  timescaleAvailable,
} from './timescale';

/**
 * Resolved through the package, not this file, so it also works from a service's bundle; and
 * only when migrating, since bundlers (Next) cannot resolve package paths at import time.
 */
export function migrationFolders() {
  const packageDir = path.dirname(
    createRequire(import.meta.url).resolve('@weather/db/package.json'),
  );
  return {
    core: path.join(packageDir, 'drizzle'),
    timescale: path.join(packageDir, 'drizzle-timescale'),
  };
}

export interface MigrationResult {
  timescale: boolean;
}

/**
 * Applies the core migrations, then — when the server has TimescaleDB — creates the extension,
 * applies the TimescaleDB migrations (tracked separately, so installing the extension later
 * upgrades an existing database) and the current TimescaleDB settings.
 */
export async function migrate(
  db: Database,
  settings: TimescaleSettings = defaultTimescaleSettings,
): Promise<MigrationResult> {
  const folders = migrationFolders();
  await applyFolder(db, folders.core, '__drizzle_migrations');
  if (!(await timescaleAvailable(db))) return { timescale: false };
  await db.execute(sql`create extension if not exists timescaledb`);
  await applyFolder(db, folders.timescale, '__drizzle_migrations_timescale');
  await applyTimescaleSettings(db, settings);
  return { timescale: true };
}

/** `migrate`, serialised across processes with an advisory lock (several apps start at once). */
export async function migrateWithLock(
  pool: pg.Pool,
  db: Database,
  settings?: TimescaleSettings,
): Promise<MigrationResult> {
  const lockId = 72_410_601; // arbitrary, constant: "weather migrations"
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [lockId]);
    return await migrate(db, settings);
  } finally {
    await client.query('select pg_advisory_unlock($1)', [lockId]).catch(() => {});
    client.release();
  }
}

async function applyFolder(db: Database, migrationsFolder: string, migrationsTable: string) {
  const config = { migrationsFolder, migrationsTable, migrationsSchema: 'public' };
  if (isPglite(db)) {
    const { migrate: run } = await import('drizzle-orm/pglite/migrator');
    await run(db as Parameters<typeof run>[0], config);
  } else {
    const { migrate: run } = await import('drizzle-orm/node-postgres/migrator');
    await run(db as Parameters<typeof run>[0], config);
  }
}

const isPglite = (db: Database) =>
  (db as unknown as { $client?: { constructor?: { name?: string } } }).$client?.constructor
    ?.name === 'PGlite';
