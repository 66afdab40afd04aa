import 'server-only';
import { type ApiContext, QueryCache } from '@weather/api';
import { createLogger, type Logger } from '@weather/core/logger';
import { createDb } from '@weather/db';
import { Redis } from 'ioredis';
import { webEnv } from './env';

interface Services {
  logger: Logger;
  database: ReturnType<typeof createDb>;
  redis: Redis;
  cache: QueryCache;
}

// One pool and one Redis client per server process, created on first request; kept on
// globalThis so that dev-mode module reloads do not open new pools.
const holder = globalThis as unknown as { __weatherServices?: Services };

export function services(): Services {
  if (holder.__weatherServices) return holder.__weatherServices;
  const env = webEnv();
  const logger = createLogger({ service: 'web', level: env.LOG_LEVEL });
  const database = createDb({
    url: env.DATABASE_URL,
    max: 10,
    statementTimeoutMs: env.QUERY_TIMEOUT_MS,
    applicationName: 'web',
  });
  const redis = new Redis(env.REDIS_URL, {
    // Fail fast while Redis is down: answers are then computed uncached.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 250,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
  redis.on('error', () => {});
  const created = {
    logger,
    database,
    redis,
    cache: new QueryCache(redis, {
      namespace: new URL(env.DATABASE_URL).pathname.slice(1),
      logger,
    }),
  };
  holder.__weatherServices = created;
  return created;
}

/** The tRPC context of one request; `resHeaders` receives `x-cache`. */
export function createContext(resHeaders?: ApiContext['resHeaders']): ApiContext {
  const { database, cache, logger } = services();
  const env = webEnv();
  return {
    db: database.db,
    cache,
    logger,
    resHeaders,
    collectorUrl: env.COLLECTOR_URL,
    consumerUrl: env.CONSUMER_URL,
    generatorUrl: env.GENERATOR_URL,
  };
}
