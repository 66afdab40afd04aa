// @ts-check
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { say } from './util.mjs';

/**
 * The browser for the end-to-end tests: Debian's Chromium (never a browser download). Installed
 * with apt when missing and we are root; otherwise a clear message.
 */
export function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return path;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Chromium is missing at ${path}; install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
  say('installing Debian chromium for the browser tests (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0)
      throw new Error(`apt-get ${args.join(' ')} failed; install chromium yourself.`);
  }
  if (!existsSync(path))
    throw new Error(`apt-get installed chromium, but not at ${path}; set CHROMIUM_PATH.`);
  return path;
}
