import { spawn } from 'node:child_process';
import path from 'node:path';
import { createPipeline, freePort, redisUrl, until } from '@weather/test-kit';

/**
 * The whole system for the browser tests: collector, consumer and generator (real processes)
 * on an isolated topic and a fresh, empty database, and the built web app in front of them.
 * Returns the teardown.
 */
export default async function globalSetup() {
  const pipeline = await createPipeline('e2e');
  const collector = await pipeline.collector();
  const consumer = await pipeline.consumer();
  const generator = await pipeline.service('generator', { COLLECTOR_URL: collector.url });

  const port = await freePort();
  const webDir = path.resolve(import.meta.dirname, '..');
  const web = spawn(process.execPath, ['.next/standalone/apps/web/server.js'], {
    cwd: webDir,
    env: {
      ...process.env,
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      DATABASE_URL: pipeline.database.url,
      REDIS_URL: redisUrl,
      COLLECTOR_URL: collector.url,
      CONSUMER_URL: consumer.url,
      GENERATOR_URL: generator.url,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await until('the web app to answer', async () => (await fetch(`${baseUrl}/api/health`)).ok);
  process.env.E2E_BASE_URL = baseUrl;

  return async () => {
    web.kill('SIGTERM');
    await pipeline.close();
  };
}
