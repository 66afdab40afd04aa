import { createHash } from 'node:crypto';
import { redisKeys } from '@weather/contracts/redis-keys';
import type { Logger } from '@weather/core/logger';
import type { Redis } from 'ioredis';

export type CacheStatus = 'hit' | 'miss';

export interface CacheScope {
  /** Operation name, part of the key. */
  op: string;
  /** The station whose version guards the entry; omitted for the stations list. */
  stationId?: string;
  params: unknown;
}

/**
 * Query results in Redis. Keys embed the epoch and the station's version (bumped by the consumer
 * after each commit), so new data makes older entries unreachable at once; TTLs only bound
 * memory and freshness of ranges relative to "now". Identical concurrent misses in this process
 * share one computation. Redis being unreachable makes every call a plain, uncached miss.
 */
export class QueryCache {
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: Redis | null,
    private readonly options: {
      /** Separates deployments (databases) that share one Redis. */
      namespace?: string;
      logger?: Logger;
    } = {},
  ) {}

  /**
   * The cached value for `scope`, or `compute()`'s, stored for `ttlSeconds` (a number, or decided
   * from the value; 0 or less stores nothing).
   */
  async get<T>(
    scope: CacheScope & { ttlSeconds: number | ((value: T) => number) },
    compute: () => Promise<T>,
  ): Promise<{ value: T; status: CacheStatus }> {
    const key = await this.keyFor(scope);
    if (key) {
      const cached = await this.safe(() => (this.redis as Redis).get(key));
      if (cached) return { value: JSON.parse(cached) as T, status: 'hit' };
    }
    const shared = key ? this.inflight.get(key) : undefined;
    if (shared) return { value: (await shared) as T, status: 'miss' };
    const work = compute();
    if (!key) return { value: await work, status: 'miss' };
    this.inflight.set(key, work);
    try {
      const value = await work;
      const ttl =
        typeof scope.ttlSeconds === 'function' ? scope.ttlSeconds(value) : scope.ttlSeconds;
      if (ttl > 0) {
        await this.safe(() => (this.redis as Redis).set(key, JSON.stringify(value), 'EX', ttl));
      }
      return { value, status: 'miss' };
    } finally {
      this.inflight.delete(key);
    }
  }

  /** Rejects when Redis does not answer (health). */
  async ping(): Promise<void> {
    if (!this.redis) throw new Error('no Redis configured');
    await this.redis.ping();
  }

  /** The versioned key, or null when Redis cannot be asked (then nothing is cached). */
  private async keyFor(scope: CacheScope): Promise<string | null> {
    if (!this.redis) return null;
    const versionKey = scope.stationId
      ? redisKeys.stationVersion(scope.stationId)
      : redisKeys.stationsVersion;
    const versions = await this.safe(() => (this.redis as Redis).mget(redisKeys.epoch, versionKey));
    if (!versions) return null;
    const digest = createHash('sha1').update(JSON.stringify(scope.params)).digest('base64url');
    return `weather:v1:cache:${this.options.namespace ?? 'default'}:${versions[0] ?? 0}:${scope.op}:${scope.stationId ?? '*'}:${versions[1] ?? 0}:${digest}`;
  }

  private async safe<T>(call: () => Promise<T>): Promise<T | null> {
    try {
      return await call();
    } catch (err) {
      this.options.logger?.debug({ err }, 'Redis unavailable; answering uncached');
      return null;
    }
  }
}
