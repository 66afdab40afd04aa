/**
 * Keeps a collector's `IngestView` fresh: read at start, again on every registry change
 * published through Redis (and whenever the subscription reconnects, since changes may have
 * been missed), and every `reloadIntervalMs` as a backstop. A failed reload keeps the last
 * good view: while the database or Redis is down, ingest goes on with what was known.
 */
import { redisKeys } from '@weather/contracts/redis-keys';
import type { Logger } from '@weather/core/logger';
import { type Database, loadIngestView } from '@weather/db';
import type { Redis } from 'ioredis';
import { IngestView } from './ingest-view';

export interface WatcherOptions {
  db: Database;
  /** A connection of its own: a subscribed ioredis client can do nothing else. */
  subscriber: Redis | null;
  logger: Logger;
  reloadIntervalMs?: number;
}

export const DEFAULT_RELOAD_INTERVAL_MS = 30_000;

export class RegistryWatcher {
  private current: IngestView | null = null;
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | null = null;
  private again = false;
  private failingSince: number | null = null;
  private stopped = false;

  constructor(private readonly options: WatcherOptions) {}

  /** The newest good view; null until the first load succeeds. */
  get view(): IngestView | null {
    return this.current;
  }

  /** Readiness: "ok", or why the view may be stale or missing. */
  get status(): string {
    if (!this.current) return 'registry not loaded yet (database unreachable?)';
    if (this.failingSince !== null) {
      return `registry reload failing since ${new Date(this.failingSince).toISOString()}; using the view of ${new Date(this.current.loadedAt).toISOString()}`;
    }
    return 'ok';
  }

  /** Loads the view (resolving even when that fails: later reloads retry) and starts watching. */
  async start(): Promise<void> {
    const { subscriber, logger } = this.options;
    if (subscriber) {
      subscriber.on('message', (channel) => {
        if (channel === redisKeys.registryChannel) void this.reload();
      });
      // Changes published while the subscription was down were never heard: read them.
      subscriber.on('ready', () => void this.reload());
      // Subscribed before the first read, so no change falls between the two; but while Redis is
      // down a subscribe waits for it, and the first view must not wait that long.
      const subscribed = subscriber.subscribe(redisKeys.registryChannel).catch((err: unknown) => {
        logger.warn({ err }, 'registry: cannot subscribe to changes yet; reloading periodically');
      });
      await Promise.race([subscribed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    }
    await this.reload();
    this.timer = setInterval(
      () => void this.reload(),
      this.options.reloadIntervalMs ?? DEFAULT_RELOAD_INTERVAL_MS,
    );
    this.timer.unref();
  }

  /** Reads the registry again; one read at a time, and one more if asked meanwhile. */
  reload(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.again = false;
        await this.loadOnce();
      } while (this.again);
      this.loading = null;
    })();
    return this.loading;
  }

  private async loadOnce() {
    const { db, logger } = this.options;
    try {
      this.current = new IngestView(await loadIngestView(db));
      if (this.failingSince !== null) logger.info('registry: reloading works again');
      this.failingSince = null;
    } catch (err) {
      // Until a first view exists ingest is refused: retry soon, not at the next period.
      if (!this.current && !this.stopped) setTimeout(() => void this.reload(), 1000).unref();
      if (this.failingSince === null) {
        this.failingSince = Date.now();
        logger.warn(
          { err },
          this.current
            ? 'registry: reload failed; keeping the last good view'
            : 'registry: cannot load; ingest is refused (503) until it can',
        );
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.loading;
    // Not quit(): while Redis is down it would wait in the offline queue for a reconnect.
    this.options.subscriber?.disconnect();
  }
}
