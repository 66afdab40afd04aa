import { randomBytes } from 'node:crypto';
import { createPipeline } from '@weather/test-kit';

/**
 * The whole system for the browser tests: collector, consumer, query service and generator (real processes)
 * on an isolated topic and a fresh, empty database, and the built web app in front of them.
 * Returns the teardown.
 */
export default async function globalSetup() {
  const pipeline = await createPipeline('e2e');
  // As `npm start` runs it: the generator's controls and the consumer's /stats answer only the
  // web app, which holds the control token; the dashboard's controls must work through it.
  const CONTROL_TOKEN = randomBytes(24).toString('base64url');
  const collector = await pipeline.collector();
  const consumer = await pipeline.consumer({ CONTROL_TOKEN });
  const generator = await pipeline.service('generator', {
    COLLECTOR_URL: collector.url,
    GENERATOR_INGEST_TOKEN: pipeline.ingestToken,
    CONTROL_TOKEN,
  });
  // The first admin, as an operator's set-up creates it (ADMIN_EMAIL / ADMIN_PASSWORD on a
  // database without users); the tests sign in with what it printed.
  const ADMIN_EMAIL = 'admin@weather.local';
  const ADMIN_PASSWORD = randomBytes(18).toString('base64url');
  const AUTH_SECRET = randomBytes(32).toString('base64url');
  const query = await pipeline.service('query', { AUTH_SECRET });
  const web = await pipeline.service('web', {
    COLLECTOR_URL: collector.url,
    CONSUMER_URL: consumer.url,
    GENERATOR_URL: generator.url,
    QUERY_URL: query.url,
    CONTROL_TOKEN,
    AUTH_SECRET,
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
  });
  process.env.E2E_BASE_URL = web.url;
  // For tests that set up what only an operator can (registry rows) and post readings directly.
  process.env.E2E_DATABASE_URL = pipeline.database.url;
  process.env.E2E_COLLECTOR_URL = collector.url;
  process.env.E2E_QUERY_URL = query.url;
  process.env.E2E_ADMIN_EMAIL = ADMIN_EMAIL;
  process.env.E2E_ADMIN_PASSWORD = ADMIN_PASSWORD;

  return () => pipeline.close();
}
