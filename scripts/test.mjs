// @ts-check
// `npm test`: the same set-up as `npm start` (against a separate test database), then every test
// suite against the real services, the end-to-end tests in headless Chromium, the fuzz suite
// against every HTTP surface, the compose file run as its images would run (tests/compose) and
// validated, and a quick pass of the benchmark harness. Stops what it started.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bootstrap } from './lib/bootstrap.mjs';

bootstrap();
const { benchmark } = await import('./lib/bench.mjs');
const { ensureChromium } = await import('./lib/debian.mjs');
const { run, withSession } = await import('./lib/session.mjs');

await withSession({ databaseVar: 'TEST_DATABASE_URL' }, (env) => {
  try {
    run('npx', ['turbo', 'run', 'test', '--concurrency=2', '--continue'], env, 'tests');
  } catch (error) {
    reprintFailures();
    throw error;
  }
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

/**
 * Turbo interleaves the suites' output, so a failure can be far above the end of a long log
 * (CI keeps only its end): each failed suite's own log is printed again, last.
 */
function reprintFailures() {
  const root = path.join(import.meta.dirname, '..');
  const folders = ['apps', 'packages', 'tests'].flatMap((group) =>
    existsSync(path.join(root, group))
      ? readdirSync(path.join(root, group)).map((name) => path.join(group, name))
      : [],
  );
  for (const folder of [...folders, 'bench', 'scripts']) {
    const log = path.join(root, folder, '.turbo', 'turbo-test.log');
    if (!existsSync(log)) continue;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes in the log
    const text = readFileSync(log, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
    if (!/(Test Files|Tests)\s.*\bfailed\b|Unhandled Error|npm error/.test(text)) continue;
    console.error(`\n===== ${folder}: its test log again =====`);
    console.error(text.split('\n').slice(-250).join('\n'));
  }
}
