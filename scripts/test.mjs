// @ts-check
// `npm test`: the same set-up as `npm start` (against a separate test database), then every test
// suite against the real services, the end-to-end tests in headless Chromium, the fuzz suite
// against every HTTP surface, the compose file's validation and a quick pass of the benchmark
// harness. Stops what it started.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchmark } from './lib/bench.mjs';
import { ensureChromium } from './lib/debian.mjs';
import { run, withSession } from './lib/session.mjs';

await withSession({ databaseVar: 'TEST_DATABASE_URL' }, (env) => {
  run('npx', ['turbo', 'run', 'test', '--concurrency=2', '--continue'], env, 'tests');
  const chromium = ensureChromium();
  run(
    'npx',
    ['turbo', 'run', 'test:e2e', '--concurrency=1'],
    { ...env, CHROMIUM_PATH: chromium },
    'browser tests',
  );
  // Every HTTP surface of the built system under seeded hostile requests (tests/fuzz).
  run('npx', ['turbo', 'run', 'test:system', '--concurrency=1'], env, 'fuzz tests');
  run('npx', ['dclint', 'docker-compose.yml'], env, 'compose file validation');
  // The benchmark harness, tiny, so it cannot rot; its results go to a scratch directory.
  const out = mkdtempSync(path.join(os.tmpdir(), 'weather-bench-quick-'));
  benchmark(env, ['--quick', '--out', out]);
});
