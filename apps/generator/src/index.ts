import { createLogger } from '@weather/core/logger';
import { runService } from '@weather/server';
import { createApp, serviceInfo } from './app';
import { loadEnv } from './env';

const env = loadEnv();
const logger = createLogger({ service: serviceInfo.name, level: env.LOG_LEVEL });
const app = await createApp({
  logger,
  collectorUrl: env.COLLECTOR_URL,
  allowedTargets: env.GENERATOR_ALLOWED_TARGETS ?? [env.COLLECTOR_URL],
  maxInFlight: env.GENERATOR_MAX_IN_FLIGHT,
  ingestToken: env.GENERATOR_INGEST_TOKEN,
  controlToken: env.CONTROL_TOKEN,
  // Stopping must fit inside the shutdown budget, with room for the HTTP close.
  stopGraceMs: Math.max(100, Math.min(10_000, env.SHUTDOWN_TIMEOUT_MS - 2000)),
});

if (env.GENERATOR_INGEST_TOKEN === undefined) {
  logger.warn(
    'GENERATOR_INGEST_TOKEN is not set: runs send no ingest token unless /start or /backfill ' +
      'passes `token`, and a collector with INGEST_AUTH=required answers 401',
  );
}

await runService({
  logger,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    await app.listen({ host: env.HOST, port: env.GENERATOR_PORT });
  },
  shutdown: [
    { name: 'http', run: () => app.close() },
    { name: 'generator', run: () => app.generator.stop() },
  ],
});
