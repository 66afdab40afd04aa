// @ts-check
// `npm test`: the same set-up as `npm start` (against a separate test database), then every test
// suite against the real services, the end-to-end tests in headless Chromium, and the compose
// file's validation. Stops what it started.
import { ensureChromium } from './lib/chromium.mjs';
import { prepare, run } from './lib/session.mjs';

let code = 0;
const { env, stop } = await prepare({ databaseVar: 'TEST_DATABASE_URL' }).catch((error) => {
  console.error(`\n${error.message}`);
  process.exit(1);
});
const onSignal = () => void stop().finally(() => process.exit(130));
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

try {
  run('npx', ['turbo', 'run', 'test', '--concurrency=2', '--continue'], env, 'tests');
  const chromium = ensureChromium();
  run(
    'npx',
    ['turbo', 'run', 'test:e2e', '--concurrency=1'],
    { ...env, CHROMIUM_PATH: chromium },
    'browser tests',
  );
  run('npx', ['dclint', 'docker-compose.yml'], env, 'compose file validation');
} catch (error) {
  console.error(`\n${error instanceof Error ? error.message : String(error)}`);
  code = 1;
} finally {
  await stop();
}
process.exit(code);
