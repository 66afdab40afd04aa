// @ts-check
import { existsSync } from 'node:fs';
import { runForeground } from './process.mjs';

/**
 * A program from a Debian package, installed with apt when missing and we are root (CI runs as
 * root on a fresh machine); otherwise a clear message saying what to install.
 * @param {{ path: string, pkg: string, why: string, envVar?: string }} tool
 * @returns {string} the program's path
 */
export function ensureDebianProgram({ path, pkg, why, envVar }) {
  if (existsSync(path)) return path;
  const hint = envVar ? ` or set ${envVar}` : '';
  if (process.getuid?.() !== 0) {
    throw new Error(
      `${path} is missing; install it (sudo apt-get install -y ${pkg})${hint}. Needed for ${why}.`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const what = `installing Debian ${pkg} for ${why}`;
  runForeground('apt-get', ['update', '-qq'], env, what);
  runForeground('apt-get', ['install', '-y', '-qq', pkg], env, what);
  if (!existsSync(path)) throw new Error(`apt-get installed ${pkg}, but not at ${path}${hint}.`);
  return path;
}

/** The browser for the end-to-end tests: Debian's Chromium, never a browser download. */
export const ensureChromium = () =>
  ensureDebianProgram({
    path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    pkg: 'chromium',
    why: 'the browser tests',
    envVar: 'CHROMIUM_PATH',
  });

/** librdkafka's command-line producer, the Kafka stage's reference in the benchmarks. */
export const ensureKcat = () =>
  ensureDebianProgram({ path: '/usr/bin/kcat', pkg: 'kcat', why: 'the benchmarks' });
