// @ts-check
// `npm test`: the same set-up as `npm start` (against a separate test database), then every test
// suite against the real services, the end-to-end tests in headless Chromium, the fuzz suite
// against every HTTP surface, the compose file run as its images would run (tests/compose) and
// validated, and a quick pass of the benchmark harness. Stops what it started.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bootstrap } from './lib/bootstrap.mjs';

bootstrap();
const { benchmark } = await import('./lib/bench.mjs');
const { ensureChromium } = await import('./lib/debian.mjs');
const { run, withSession } = await import('./lib/session.mjs');

await withSession({ databaseVar: 'TEST_DATABASE_URL' }, (env) => {
  run('npx', ['turbo', 'run', 'test', '--concurrency=2', '--continue'], env, 'tests');
  const chromium = ensureChromium();
  run(
    'npx',
    ['turbo', 'run', 'test:e2e', '--concurrency=1'],
    { ...env, CHROMIUM_PATH: chromium },
    'browser tests',
  );
  // The built system: every HTTP surface under seeded hostile requests (tests/fuzz), and the
  // compose services run as their images would run them (tests/compose).
  run('npx', ['turbo', 'run', 'test:system', '--concurrency=1'], env, 'system tests');
  run('npx', ['dclint', 'docker-compose.yml'], env, 'compose file validation');
  // The benchmark harness, tiny, so it cannot rot; its results go to a scratch directory.
  const out = mkdtempSync(path.join(os.tmpdir(), 'weather-bench-quick-'));
  benchmark(env, ['--quick', '--out', out]);
});
