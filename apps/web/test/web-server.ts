import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readingSchema } from '@weather/core/reading';
import { createDb, insertReadings } from '@weather/db';
import { createTestDatabase } from '@weather/db/testing';
import { baseDatabaseUrl, freePort, redisUrl, ServiceProcess } from '@weather/test-kit';

const SERVER = path.resolve(import.meta.dirname, '../.next/standalone/apps/web/server.js');

/** The built web app (`next build`'s standalone server) on a free port, against `databaseUrl`. */
export async function startWeb(databaseUrl: string) {
  if (!existsSync(SERVER)) {
    throw new Error(
      `${SERVER} is missing: build the web app first (npm run build -w @weather/web)`,
    );
  }
  const web = new ServiceProcess(
    'web',
    await freePort(),
    { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, LOG_LEVEL: 'warn' },
    { built: true },
  );
  return web.start();
}

/** A fresh, migrated database holding `count` readings of `station`, one a minute from 2026-01-10. */
export async function seededDatabase(label: string, station: string, count = 30) {
  const database = await createTestDatabase(baseDatabaseUrl, label);
  const parse = readingSchema(() => Date.parse('2030-01-01T00:00:00Z'));
  await insertReadings(
    database.db,
    Array.from({ length: count }, (_, minute) => ({
      ...parse.parse({
        station_id: station,
        timestamp: new Date(Date.UTC(2026, 0, 10, 0, minute)).toISOString(),
        temperature: minute / 10,
        humidity: 50,
      }),
      received_at: '2026-01-10T12:00:00.000Z',
    })),
  );
  return database;
}

/** A database URL on a port nothing listens on: PostgreSQL refusing connections. */
export async function unreachableDatabaseUrl() {
  const url = new URL(baseDatabaseUrl);
  url.port = String(await freePort());
  return url.toString();
}

/** Resident memory of a process, in MB (Linux). */
export async function residentMb(pid: number) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * Makes PostgreSQL refuse sessions to database `name` and drop the ones it has (as in an outage),
 * or accept them again. Runs on the base database, never on the one it closes.
 */
export async function refuseConnections(name: string, refuse: boolean) {
  const admin = createDb({ url: baseDatabaseUrl, max: 1 });
  try {
    await admin.pool.query(`alter database "${name}" allow_connections ${!refuse}`);
    if (refuse) {
      await admin.pool.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
    }
  } finally {
    await admin.close();
  }
}
