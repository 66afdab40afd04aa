import 'server-only';
import { type ApiBackend, type ApiContext, createApiBackend } from '@weather/api';
import { accessServices } from '@weather/auth';
import { redisKeys } from '@weather/contracts/redis-keys';
import { createLogger, type Logger } from '@weather/core/logger';
import { publishRegistryChange } from '@weather/registry';
import { webEnv } from './env';

type Services = ApiBackend & { logger: Logger } & ReturnType<typeof accessServices>;

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
  const access = accessServices({
    db: backend.database.db,
    env,
    logger,
    redis: backend.redis,
    namespace: new URL(env.DATABASE_URL).pathname.slice(1),
  });
  holder.__weatherServices = { ...backend, ...access, logger };
  return holder.__weatherServices;
}

/**
 * The tRPC context of one request, with who sent it (`headers`: its session cookie or API key);
 * `resHeaders` receives `x-cache`.
 */
export function createContext(headers: Headers, resHeaders?: ApiContext['resHeaders']): ApiContext {
  const { database, cache, logger, redis, access } = services();
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
    access: access(headers),
    // Collectors reload their view; station lists (names, places) are read again.
    notifyRegistry: async () => {
      await redis.incr(redisKeys.stationsVersion).catch(() => {});
      await publishRegistryChange(redis);
    },
  };
}
