import { createHash } from 'node:crypto';
import { redisKeys } from '@weather/contracts/redis-keys';
import type { Logger } from '@weather/core/logger';
import type { Redis } from 'ioredis';

export type CacheStatus = 'hit' | 'miss';

/**
 * How values are kept in Redis: JSON text by default; a `binary` codec keeps bytes, read back
 * as a Buffer and never decoded as UTF-8 (a finished response keeps its own bytes).
 */
export type CacheCodec<T> =
  | { binary?: false; encode(value: T): string; decode(stored: string): T }
  | { binary: true; encode(value: T): Buffer; decode(stored: Buffer): T };

const json: CacheCodec<unknown> = { encode: JSON.stringify, decode: JSON.parse };

/*
 * One round trip for a lookup: the script reads the epoch and the guarding version, builds the
 * versioned key and reads it. (It builds a key it was not passed, which Redis Cluster forbids;
 * the cache runs against one Redis.)
 */
const LOOKUP_SCRIPT = `
local epoch = redis.call('GET', KEYS[1]) or '0'
local version = redis.call('GET', KEYS[2]) or '0'
local key = ARGV[1] .. epoch .. ARGV[2] .. version .. ARGV[3]
return { key, redis.call('GET', key) }`;

type LookupRedis = Redis & {
  weatherCacheLookup(
    epochKey: string,
    versionKey: string,
    ...parts: string[]
  ): Promise<[string, string | null]>;
  /** The same, its answer as bytes (ioredis defines it beside every script command). */
  weatherCacheLookupBuffer(
    epochKey: string,
    versionKey: string,
    ...parts: string[]
  ): Promise<[Buffer, Buffer | null]>;
};

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
  ) {
    if (redis && !('weatherCacheLookup' in redis)) {
      redis.defineCommand('weatherCacheLookup', { numberOfKeys: 2, lua: LOOKUP_SCRIPT });
    }
  }

  /**
   * The cached value for `scope`, or `compute()`'s, stored for `ttlSeconds` (a number, or decided
   * from the value; 0 or less stores nothing), encoded by `codec` (JSON by default).
   */
  async get<T>(
    scope: CacheScope & { ttlSeconds: number | ((value: T) => number) },
    compute: () => Promise<T>,
    codec = json as CacheCodec<T>,
  ): Promise<{ value: T; status: CacheStatus; key: string | null }> {
    const found = await this.lookup(scope, codec.binary === true);
    const key = found ? String(found[0]) : null;
    const cached = found?.[1];
    if (cached)
      return { value: (codec.decode as (s: typeof cached) => T)(cached), status: 'hit', key };
    const shared = key ? this.inflight.get(key) : undefined;
    if (shared) return { value: (await shared) as T, status: 'miss', key };
    const work = compute();
    if (!key) return { value: await work, status: 'miss', key };
    this.inflight.set(key, work);
    try {
      const value = await work;
      const ttl =
        typeof scope.ttlSeconds === 'function' ? scope.ttlSeconds(value) : scope.ttlSeconds;
      if (ttl > 0) {
        await this.safe(() => (this.redis as Redis).set(key, codec.encode(value), 'EX', ttl));
      }
      return { value, status: 'miss', key };
    } finally {
      this.inflight.delete(key);
    }
  }

  /**
   * Replaces what the entry under `key` (from `get`) holds, keeping its lifetime; nothing when it
   * has gone meanwhile. For adding to an entry after the fact, such as a compressed copy.
   */
  async replace<T>(key: string, value: T, codec: CacheCodec<T>): Promise<void> {
    const encoded = (codec.encode as (v: T) => string | Buffer)(value);
    await this.safe(() => (this.redis as Redis).set(key, encoded, 'KEEPTTL', 'XX'));
  }

  /** Rejects when Redis does not answer (health). */
  async ping(): Promise<void> {
    if (!this.redis) throw new Error('no Redis configured');
    await this.redis.ping();
  }

  /**
   * The versioned key and what it holds, or null when Redis cannot be asked (then nothing is
   * cached). Keys: namespace, epoch, operation, station, its version, digest of the params.
   */
  private lookup(scope: CacheScope, binary: boolean) {
    const redis = this.redis as LookupRedis | null;
    if (!redis) return null;
    const versionKey = scope.stationId
      ? redisKeys.stationVersion(scope.stationId)
      : redisKeys.stationsVersion;
    const digest = createHash('sha1').update(JSON.stringify(scope.params)).digest('base64url');
    const parts = [
      redisKeys.epoch,
      versionKey,
      `weather:v1:cache:${this.options.namespace ?? 'default'}:`,
      `:${scope.op}:${scope.stationId ?? '*'}:`,
      `:${digest}`,
    ] as const;
    return this.safe<[string | Buffer, string | Buffer | null]>(() =>
      binary ? redis.weatherCacheLookupBuffer(...parts) : redis.weatherCacheLookup(...parts),
    );
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
