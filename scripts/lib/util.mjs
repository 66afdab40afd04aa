// @ts-check
import { execFileSync } from 'node:child_process';
import net from 'node:net';

/** Prefixed progress lines for the start/test scripts (these are for people, not log shippers). */
export function say(/** @type {string} */ msg) {
  process.stdout.write(`\x1b[36m[stack]\x1b[0m ${msg}\n`);
}

/**
 * Polls `probe` until it returns a truthy value; throws after `timeoutMs` naming what was awaited.
 * @template T
 * @param {string} what
 * @param {() => Promise<T | undefined | null | false>} probe
 * @param {{ timeoutMs?: number, intervalMs?: number, hint?: () => string }} [opts]
 * @returns {Promise<T>}
 */
export async function waitFor(what, probe, opts = {}) {
  const { timeoutMs = 60_000, intervalMs = 250 } = opts;
  const deadline = Date.now() + timeoutMs;
  /** @type {unknown} */
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  const hint = opts.hint ? `\n${opts.hint()}` : '';
  throw new Error(
    `Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${reason}${hint}`,
  );
}

/** True when something accepts TCP connections on host:port. */
export function isPortOpen(
  /** @type {string} */ host,
  /** @type {number} */ port,
  timeoutMs = 1000,
) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (/** @type {boolean} */ open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Names the process listening on a TCP port (via `ss`), or a generic phrase when unknown. */
export function portHolder(/** @type {number} */ port) {
  try {
    const out = execFileSync('ss', ['-H', '-ltnp', `sport = :${port}`], { encoding: 'utf8' });
    const match = /users:\(\("([^"]+)",pid=(\d+)/.exec(out);
    if (match) return `${match[1]} (pid ${match[2]})`;
  } catch {
    // ss missing or not permitted: fall through to the generic answer.
  }
  return 'another process';
}

/** True when `cmd` is on PATH. */
export function hasCommand(/** @type {string} */ cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Splits `host:port` (Kafka style) into its parts. */
export function hostPort(/** @type {string} */ address) {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

export const isLocalHost = (/** @type {string} */ host) =>
  ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);
