import { createLogger } from '@weather/core/logger';
import { runService } from '@weather/server';
import { createApp, serviceInfo } from './app';
import { loadEnv } from './env';

const env = loadEnv();
const logger = createLogger({ service: serviceInfo.name, level: env.LOG_LEVEL });
const app = await createApp({ logger });

await runService({
  logger,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  start: async () => {
    await app.listen({ host: env.HOST, port: env.GENERATOR_PORT });
  },
  shutdown: [{ name: 'http', run: () => app.close() }],
});
