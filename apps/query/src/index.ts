import { createApiBackend } from '@weather/api';
import { accessServices } from '@weather/auth';
import { createLogger } from '@weather/core/logger';
import { pingDatabase } from '@weather/db';
import { runService } from '@weather/server';
import { createApp, serviceInfo } from './app';
import { loadEnv } from './env';

const env = loadEnv();
const logger = createLogger({ service: serviceInfo.name, level: env.LOG_LEVEL });
const backend = createApiBackend({
  databaseUrl: env.DATABASE_URL,
  redisUrl: env.REDIS_URL,
  queryTimeoutMs: env.QUERY_TIMEOUT_MS,
  logger,
  applicationName: serviceInfo.name,
});
// Redis only speeds answers up (without it they are computed uncached), so readiness is the
// database's alone.
const { access } = accessServices({ db: backend.database.db, env, logger });
const app = await createApp({
  logger,
  db: backend.database.db,
  cache: backend.cache,
  access,
  publicRead: env.PUBLIC_READ,
  corsOrigins: env.CORS_ORIGINS,
  checks: [{ name: 'database', check: () => pingDatabase(backend.database.db) }],
});

await runService({
  logger,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    await app.listen({ host: env.HOST, port: env.QUERY_PORT });
  },
  shutdown: [
    { name: 'http', run: () => app.close() },
    { name: 'backend', run: () => backend.close() },
  ],
});
