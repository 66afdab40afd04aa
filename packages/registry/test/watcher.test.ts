import { randomBytes } from 'node:crypto';
import { createLogger } from '@weather/core/logger';
import {
  addCredential,
  createDb,
  type Database,
  listCredentials,
  registerStation,
  revokeCredential,
} from '@weather/db';
import { createTestDatabase } from '@weather/db/testing';
import { baseDatabaseUrl, redisUrl } from '@weather/test-kit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CredentialUsage,
  type IngestView,
  issueToken,
  publishRegistryChange,
  RegistryWatcher,
  type WatcherOptions,
} from '../src';

// The collectors' registry watcher over a real PostgreSQL and a real Redis. The change channel
// is shared with every other test run on this Redis, so a test may see extra messages; those
// only cause extra reloads, which no assertion here depends on not happening.
const PROPAGATION_LIMIT_MS = 5000;

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;
let database: TestDatabase;
let outage: TestDatabase;
let admin: ReturnType<typeof createDb>;
let publisher: Redis;

/** Log lines of everything under test, to check what was said about failures. */
const lines: { level: string; msg: string }[] = [];
const logger = createLogger({
  service: 'registry-test',
  level: 'debug',
  destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
});

/** Undone after each test, newest first: watchers, Redis clients, outages. */
let cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  [database, outage] = await Promise.all([
    createTestDatabase(baseDatabaseUrl, 'registry_watcher'),
    createTestDatabase(baseDatabaseUrl, 'registry_outage'),
  ]);
  admin = createDb({ url: baseDatabaseUrl, max: 1, applicationName: 'registry-test-admin' });
  publisher = new Redis(redisUrl);
});

afterEach(async () => {
  const pending = cleanups.reverse();
  cleanups = [];
  for (const cleanup of pending) await cleanup();
});

afterAll(async () => {
  try {
    await refuseConnections(outage.name, false);
  } finally {
    await Promise.all([database.drop(), outage.drop()]);
    await admin.close();
    publisher.disconnect();
  }
});

/** The database refuses new sessions and loses the ones it had, as during an outage. */
async function refuseConnections(name: string, refuse: boolean) {
  await admin.pool.query(`alter database "${name}" allow_connections ${!refuse}`);
  if (refuse) {
    await admin.pool.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [name],
    );
  }
}

/** An outage of `db` for the rest of the test (or until `end` is called). */
async function startOutage(db: TestDatabase) {
  await refuseConnections(db.name, true);
  // Its idle connections were closed by the server; once the pool has noticed, none is reused.
  await within(
    'the pool drops its closed connections',
    () => db.pool.idleCount === 0,
    performance.now(),
  );
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    await refuseConnections(db.name, false);
  };
  cleanups.push(end);
  return end;
}

function subscriber() {
  const client = new Redis(redisUrl);
  client.on('error', () => {});
  cleanups.push(() => client.disconnect());
  return client;
}

/** Redis "down": a client to a port nothing listens on, that fails at once and stays down. */
function deadSubscriber() {
  const client = new Redis('redis://127.0.0.1:1', {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  cleanups.push(() => client.disconnect());
  return client;
}

async function startWatcher(options: Partial<WatcherOptions> & Pick<WatcherOptions, 'subscriber'>) {
  const watcher = new RegistryWatcher({ db: database.db as Database, logger, ...options });
  cleanups.push(() => watcher.stop());
  await watcher.start();
  return watcher;
}

/** A registered station of this test with one live token. */
async function stationWithToken(db: Database = database.db as Database) {
  const stationId = `W-${randomBytes(4).toString('hex')}`;
  await registerStation(db, stationId);
  return { stationId, ...(await newToken(db, stationId)) };
}

async function newToken(db: Database, stationId: string) {
  const issued = issueToken('station');
  const info = await addCredential(db, {
    kind: 'station',
    ownerId: stationId,
    prefix: issued.prefix,
    hash: issued.hash,
  });
  return { ...issued, credentialId: info.id };
}

const accepts = (view: IngestView | null, token: string) => {
  const result = view?.authenticate(token);
  return result !== undefined && !('error' in result);
};

/** Polls `condition` every 10 ms; the milliseconds since `since` when it first held. */
async function within(
  what: string,
  condition: () => boolean,
  since: number,
  timeoutMs = PROPAGATION_LIMIT_MS,
) {
  while (!condition()) {
    if (performance.now() - since > timeoutMs) {
      throw new Error(`not within ${timeoutMs} ms: ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Math.round(performance.now() - since);
}

describe('RegistryWatcher with Redis and the database up', () => {
  it('loads the view at start', async () => {
    const { token, stationId, credentialId } = await stationWithToken();
    const before = Date.now();
    const watcher = await startWatcher({ subscriber: subscriber() });
    expect(watcher.status).toBe('ok');
    const principal = watcher.view?.authenticate(token);
    expect(principal).toEqual({
      credentialId,
      kind: 'station',
      ownerId: stationId,
      limits: { requestsPerSecond: null, readingsPerSecond: null },
    });
    if (!principal || 'error' in principal) throw new Error('not authenticated');
    expect(watcher.view?.decide(principal, stationId)).toBe('ok');
    expect(watcher.view?.loadedAt).toBeGreaterThanOrEqual(before);
  });

  it('authenticates a new token within 5 s of the change being published', async ({ annotate }) => {
    // The periodic reload (30 s by default) is too slow to pass this: pub/sub must carry it.
    const watcher = await startWatcher({ subscriber: subscriber() });
    const stationId = `W-${randomBytes(4).toString('hex')}`;
    await registerStation(database.db as Database, stationId);

    const since = performance.now();
    const { token } = await newToken(database.db as Database, stationId);
    expect(accepts(watcher.view, token)).toBe(false);
    expect(await publishRegistryChange(publisher)).toBeGreaterThanOrEqual(1);
    const ms = await within('the new token is accepted', () => accepts(watcher.view, token), since);
    await annotate(`new token accepted ${ms} ms after the change`);
    expect(ms).toBeLessThan(PROPAGATION_LIMIT_MS);
  });

  it('stops authenticating a revoked token within 5 s of the change being published', async ({
    annotate,
  }) => {
    const { token, prefix } = await stationWithToken();
    const watcher = await startWatcher({ subscriber: subscriber() });
    expect(accepts(watcher.view, token)).toBe(true);

    const since = performance.now();
    await revokeCredential(database.db as Database, prefix);
    await publishRegistryChange(publisher);
    const ms = await within(
      'the revoked token is refused',
      () => !accepts(watcher.view, token),
      since,
    );
    expect(watcher.view?.authenticate(token)).toEqual({ error: 'unknown_token' });
    await annotate(`revoked token refused ${ms} ms after the change`);
    expect(ms).toBeLessThan(PROPAGATION_LIMIT_MS);
  });

  it('carries a change to every collector at once', async ({ annotate }) => {
    const collectors = [
      await startWatcher({ subscriber: subscriber() }),
      await startWatcher({ subscriber: subscriber() }),
    ];
    const { token: old, prefix: oldPrefix, stationId } = await stationWithToken();
    await publishRegistryChange(publisher);
    await within(
      'both collectors accept the first token',
      () => collectors.every((w) => accepts(w.view, old)),
      performance.now(),
    );

    const since = performance.now();
    const { token } = await newToken(database.db as Database, stationId);
    await revokeCredential(database.db as Database, oldPrefix);
    expect(await publishRegistryChange(publisher)).toBeGreaterThanOrEqual(2);
    const times = await Promise.all(
      collectors.map((w) =>
        within(
          'a collector accepts the new token and refuses the revoked one',
          () => accepts(w.view, token) && !accepts(w.view, old),
          since,
        ),
      ),
    );
    await annotate(`two collectors saw the change after ${times.join(' and ')} ms`);
    for (const ms of times) expect(ms).toBeLessThan(PROPAGATION_LIMIT_MS);
  });

  it('reads changes it may have missed when its subscription reconnects', async () => {
    const redis = subscriber();
    const watcher = await startWatcher({ subscriber: redis });
    // A change while the subscription is down is never heard; the reconnect reads it anyway.
    const { token } = await stationWithToken();
    const since = performance.now();
    redis.disconnect(true);
    await within(
      'the reconnected watcher accepts the token',
      () => accepts(watcher.view, token),
      since,
    );
    expect(redis.status).toBe('ready');
    expect(watcher.status).toBe('ok');
  });
});

describe('RegistryWatcher while Redis is down', () => {
  it('loads at start and reloads periodically', async () => {
    const redis = deadSubscriber();
    const { token } = await stationWithToken();
    const started = performance.now();
    const watcher = await startWatcher({ subscriber: redis, reloadIntervalMs: 200 });
    // Start does not wait for Redis.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(redis.status).not.toBe('ready');
    expect(watcher.status).toBe('ok');
    expect(accepts(watcher.view, token)).toBe(true);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'registry: cannot subscribe to changes yet; reloading periodically',
      }),
    );

    const { token: added, prefix } = await stationWithToken();
    await within(
      'a periodic reload accepts the new token',
      () => accepts(watcher.view, added),
      performance.now(),
      2000,
    );
    await revokeCredential(database.db as Database, prefix);
    await within(
      'a periodic reload refuses the revoked token',
      () => !accepts(watcher.view, added),
      performance.now(),
      2000,
    );
    expect(accepts(watcher.view, token)).toBe(true);
  });

  it('works with no subscriber at all', async () => {
    const watcher = await startWatcher({ subscriber: null, reloadIntervalMs: 200 });
    const { token } = await stationWithToken();
    await within(
      'a periodic reload accepts the token',
      () => accepts(watcher.view, token),
      performance.now(),
      2000,
    );
  });
});

describe('RegistryWatcher while the database is down', () => {
  it('keeps the last good view, says it is failing, and recovers when the database is back', async () => {
    const db = outage.db as Database;
    const { token, stationId } = await stationWithToken(db);
    const watcher = await startWatcher({ db, subscriber: subscriber(), reloadIntervalMs: 200 });
    expect(accepts(watcher.view, token)).toBe(true);
    expect(watcher.status).toBe('ok');
    const warnings = () =>
      lines.filter((l) => l.msg === 'registry: reload failed; keeping the last good view').length;
    const warnedBefore = warnings();

    const end = await startOutage(outage);
    // A reload already under way when the outage began may still succeed; this one waits for it.
    await watcher.reload();
    const good = watcher.view;
    expect(accepts(good, token)).toBe(true);
    await watcher.reload();
    await watcher.reload();
    expect(watcher.view).toBe(good);
    expect(accepts(watcher.view, token)).toBe(true);
    expect(watcher.status).toMatch(/^registry reload failing since .+; using the view of .+/);
    // A message on the channel during the outage changes nothing either.
    await publishRegistryChange(publisher);
    await watcher.reload();
    expect(watcher.view).toBe(good);
    // One warning for the outage, not one per failed reload.
    expect(warnings()).toBe(warnedBefore + 1);

    await end();
    await within('the watcher reloads again', () => watcher.status === 'ok', performance.now());
    expect(watcher.view).not.toBe(good);
    expect(watcher.view?.loadedAt).toBeGreaterThanOrEqual(good?.loadedAt ?? Infinity);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'info', msg: 'registry: reloading works again' }),
    );
    const { token: added } = await newToken(db, stationId);
    await publishRegistryChange(publisher);
    await within(
      'the new token is accepted',
      () => accepts(watcher.view, added),
      performance.now(),
    );
  });

  it('starts without a view, refusing ingest, and loads one when the database is back', async () => {
    const db = outage.db as Database;
    const { token } = await stationWithToken(db);
    const end = await startOutage(outage);
    const watcher = await startWatcher({ db, subscriber: subscriber(), reloadIntervalMs: 200 });
    expect(watcher.view).toBeNull();
    expect(watcher.status).toBe('registry not loaded yet (database unreachable?)');
    await end();
    await within('the view is loaded', () => accepts(watcher.view, token), performance.now());
    expect(watcher.status).toBe('ok');
  });
});

describe('CredentialUsage', () => {
  const lastUsed = async (db: Database, stationId: string) =>
    (await listCredentials(db, { stationId })).map((c) => c.lastUsedAt?.toISOString() ?? null);

  it('writes when credentials were last used on flush, and on stop', async () => {
    const db = database.db as Database;
    const a = await stationWithToken(db);
    const b = await stationWithToken(db);
    const usage = new CredentialUsage(db, logger, 60_000);
    usage.start();
    cleanups.push(() => usage.stop());

    usage.used(a.credentialId, new Date('2026-06-01T10:00:00.000Z'));
    usage.used(a.credentialId, new Date('2026-06-01T10:00:01.500Z'));
    await usage.flush();
    expect(await lastUsed(db, a.stationId)).toEqual(['2026-06-01T10:00:01.500Z']);
    expect(await lastUsed(db, b.stationId)).toEqual([null]);

    usage.used(b.credentialId, new Date('2026-06-01T10:00:02.000Z'));
    await usage.stop();
    expect(await lastUsed(db, b.stationId)).toEqual(['2026-06-01T10:00:02.000Z']);
  });

  it('keeps the times of a failed flush for the next one', async () => {
    const db = outage.db as Database;
    const a = await stationWithToken(db);
    const b = await stationWithToken(db);
    const usage = new CredentialUsage(db, logger, 60_000);
    const end = await startOutage(outage);

    usage.used(a.credentialId, new Date('2026-06-01T11:00:00.000Z'));
    usage.used(b.credentialId, new Date('2026-06-01T11:00:00.000Z'));
    await expect(usage.flush()).resolves.toBeUndefined();
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'could not record when credentials were last used; will retry',
      }),
    );
    // Used again after the failure: the newer time is the one to write.
    usage.used(b.credentialId, new Date('2026-06-01T11:05:00.000Z'));

    await end();
    expect(await lastUsed(db, a.stationId)).toEqual([null]);
    await usage.flush();
    expect(await lastUsed(db, a.stationId)).toEqual(['2026-06-01T11:00:00.000Z']);
    expect(await lastUsed(db, b.stationId)).toEqual(['2026-06-01T11:05:00.000Z']);
    await usage.stop();
  });
});
