import type { Logger } from '@weather/core/logger';
import { createDb } from '@weather/db';
import { Redis } from 'ioredis';
import { QueryCache } from './cache';

/**
 * What a process that serves the API holds (the web app, the query service): one pool with the
 * query timeout, one Redis client that fails fast (answers are then computed uncached), and the
 * query cache, namespaced by database so that every server of one deployment shares entries.
 */
export function createApiBackend(options: {
  databaseUrl: string;
  redisUrl: string;
  queryTimeoutMs: number;
  logger: Logger;
  /** The service's name, as PostgreSQL lists its connections. */
  applicationName: string;
  poolSize?: number;
}) {
  const database = createDb({
    url: options.databaseUrl,
    max: options.poolSize ?? 10,
    statementTimeoutMs: options.queryTimeoutMs,
    applicationName: options.applicationName,
  });
  const redis = new Redis(options.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 250,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
  redis.on('error', () => {});
  const cache = new QueryCache(redis, {
    namespace: new URL(options.databaseUrl).pathname.slice(1),
    logger: options.logger,
  });
  return {
    database,
    redis,
    cache,
    async close() {
      redis.disconnect();
      await database.close();
    },
  };
}

export type ApiBackend = ReturnType<typeof createApiBackend>;
