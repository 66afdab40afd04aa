// @ts-check
import { KAFKA_VERSION } from '../infra/kafka.mjs';
import { ensureKcat } from './debian.mjs';
import { run } from './session.mjs';

/**
 * Runs the benchmark harness (bench/src/main.ts) once the infrastructure is up: installs kcat if
 * needed, builds the apps (turbo's cache makes this quick when nothing changed), then runs it.
 * @param {NodeJS.ProcessEnv} env @param {string[]} args
 */
export function benchmark(env, args) {
  ensureKcat();
  run('npx', ['turbo', 'run', 'build', '--filter=./apps/*'], env, 'build');
  run(
    'node',
    ['--import', 'tsx', 'bench/src/main.ts', ...args],
    { ...env, KAFKA_VERSION },
    'benchmarks',
  );
}
