// @ts-check
// What every entry script (start, test, bench, infra) does first, with Node's built-ins only
// because npm packages may not be installed yet: check Node, read `.env`, install dependencies.
// Entry scripts import everything else dynamically, after this.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { say } from './util.mjs';

export const root = path.resolve(import.meta.dirname, '../..');

export function bootstrap() {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(`Node.js >= 20.19 is required (this is ${process.version}); see .nvmrc.`);
    process.exit(1);
  }
  if (existsSync(path.join(root, '.env'))) process.loadEnvFile(path.join(root, '.env'));
  ensureDependencies();
}

/** Installs npm dependencies when node_modules is missing or older than the lockfile. */
function ensureDependencies() {
  const lock = path.join(root, 'package-lock.json');
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  say('installing npm dependencies (npm ci)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error('npm ci failed; see the output above.');
    process.exit(1);
  }
}
