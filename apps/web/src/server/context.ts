import 'server-only';
import { type ApiBackend, type ApiContext, createApiBackend } from '@weather/api';
import { createLogger, type Logger } from '@weather/core/logger';
import { webEnv } from './env';

type Services = ApiBackend & { logger: Logger };

// One pool and one Redis client per server process, created on first request; kept on
// globalThis so that dev-mode module reloads do not open new pools.
const holder = globalThis as unknown as { __weatherServices?: Services };

export function services(): Services {
  if (holder.__weatherServices) return holder.__weatherServices;
  const env = webEnv();
  const logger = createLogger({ service: 'web', level: env.LOG_LEVEL });
  const backend = createApiBackend({
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    queryTimeoutMs: env.QUERY_TIMEOUT_MS,
    logger,
    applicationName: 'web',
  });
  holder.__weatherServices = { ...backend, logger };
  return holder.__weatherServices;
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
    queryUrl: env.QUERY_URL,
    controlToken: env.CONTROL_TOKEN,
  };
}
