import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { createPipeline } from '@weather/test-kit';

const run = promisify(execFile);

/**
 * The first admin as `npm start` makes it on a database without users (`npm run admin --
 * first-run`): admin@weather.local with a random password, printed once. The tests sign in with
 * what it printed.
 */
async function firstAdmin(databaseUrl: string) {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'first-run'], {
    cwd: path.resolve(import.meta.dirname, '../../../packages/auth'),
    env: { ...process.env, DATABASE_URL: databaseUrl, ADMIN_EMAIL: '', ADMIN_PASSWORD: '' },
  });
  const printed = /^first admin: (\S+) {2}password: (\S+) {2}\(shown once\)$/m.exec(stdout);
  if (!printed) throw new Error(`the first-run set-up printed no admin: ${stdout}`);
  return { email: printed[1] as string, password: printed[2] as string };
}

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
  // Alert rules evaluated every 2 s, and webhooks allowed to reach the test's own receiver.
  const alerting = { ALERTS_EVALUATE_EVERY_S: '2', WEBHOOK_ALLOW_PRIVATE: 'true' };
  // QC passes every 2 s, so flags reach the station page within the test's patience.
  const qc = { QC_EVERY_S: '2' };
  const consumer = await pipeline.consumer({ CONTROL_TOKEN, ...alerting, ...qc });
  const generator = await pipeline.service('generator', {
    COLLECTOR_URL: collector.url,
    GENERATOR_INGEST_TOKEN: pipeline.ingestToken,
    CONTROL_TOKEN,
  });
  const admin = await firstAdmin(pipeline.database.url);
  const query = await pipeline.service('query');
  const web = await pipeline.service('web', {
    COLLECTOR_URL: collector.url,
    CONSUMER_URL: consumer.url,
    GENERATOR_URL: generator.url,
    QUERY_URL: query.url,
    CONTROL_TOKEN,
    LOG_LEVEL: 'warn',
    WEBHOOK_ALLOW_PRIVATE: 'true',
  });
  process.env.E2E_BASE_URL = web.url;
  // For tests that set up what only an operator can (registry rows) and post readings directly.
  process.env.E2E_DATABASE_URL = pipeline.database.url;
  process.env.E2E_COLLECTOR_URL = collector.url;
  process.env.E2E_INGEST_TOKEN = pipeline.ingestToken;
  process.env.E2E_QUERY_URL = query.url;
  process.env.E2E_ADMIN_EMAIL = admin.email;
  process.env.E2E_ADMIN_PASSWORD = admin.password;

  return () => pipeline.close();
}
