// @ts-check
// Small helpers every script shares: progress lines, waiting, ports and addresses. One of each.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/** Prefixed progress lines for the start/test scripts (these are for people, not log shippers). */
export function say(/** @type {string} */ msg) {
  process.stdout.write(`\x1b[36m[stack]\x1b[0m ${msg}\n`);
}

/**
 * Polls `probe` until it returns a truthy value; throws after `timeoutMs` naming what was awaited.
 * `failed` is asked before each attempt: when it returns a reason (say, the process being
 * awaited has exited), waiting stops at once with that reason.
 * @template T
 * @param {string} what
 * @param {() => Promise<T | undefined | null | false>} probe
 * @param {{ timeoutMs?: number, intervalMs?: number, hint?: () => string | Promise<string>,
 *   failed?: () => string | undefined }} [opts]
 * @returns {Promise<T>}
 */
export async function waitFor(what, probe, opts = {}) {
  const { timeoutMs = 60_000, intervalMs = 250 } = opts;
  const deadline = Date.now() + timeoutMs;
  const hint = async () => (opts.hint ? `\n${await opts.hint()}` : '');
  /** @type {unknown} */
  let lastError;
  while (Date.now() < deadline) {
    const failure = opts.failed?.();
    if (failure) throw new Error(`${failure} while waiting for ${what}${await hint()}`);
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  const reason = lastError instanceof Error ? ` (last: ${lastError.message})` : '';
  throw new Error(
    `Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${reason}${await hint()}`,
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

/** Names the processes listening on a TCP port (via `ss`), for a useful "port taken" error. */
export function portHolder(/** @type {number} */ port) {
  let out = '';
  try {
    out = execFileSync('ss', ['-H', '-ltnp', `sport = :${port}`], { encoding: 'utf8' });
  } catch {
    return `an unknown process (try: ss -ltnp 'sport = :${port}' or lsof -i :${port})`;
  }
  const procs = [...out.matchAll(/"([^"]+)",pid=(\d+)/g)].map((m) => `${m[1]} (pid ${m[2]})`);
  if (procs.length > 0) return [...new Set(procs)].join(', ');
  return `a process ss cannot name (try: sudo ss -ltnp 'sport = :${port}')`;
}

/** The full path of `cmd` on PATH, or undefined. */
export function which(/** @type {string} */ cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, cmd);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Splits the first entry of a `host:port` list (KAFKA_BROKERS style; `[::1]:9092` for IPv6)
 * into its parts.
 * @param {string} list
 */
export function parseHostPort(list) {
  const first = (list.split(',')[0] ?? '').trim().replace(/^[a-z]+:\/\//i, '');
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(first);
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65535) {
    throw new Error(`Cannot parse "${list}"; expected host:port, e.g. 127.0.0.1:9092`);
  }
  return { host: m[1] ?? m[2] ?? '', port };
}

/** `host:port`, with brackets around an IPv6 host. */
export const formatHostPort = (/** @type {{ host: string, port: number }} */ { host, port }) =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

export const isLocalHost = (/** @type {string} */ host) =>
  ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);

/** The last `n` lines of a file (its last 64 KiB read), or a note that it cannot be read. */
export async function tailFile(/** @type {string} */ file, /** @type {number} */ n) {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await stat(file);
      const length = Math.min(size, 64 * 1024);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return lastLines(buffer.toString('utf8'), n) || '(log is empty)';
    } finally {
      await handle.close();
    }
  } catch {
    return '(log file not readable)';
  }
}

/** The last `n` lines of a text. */
export function lastLines(/** @type {string} */ text, /** @type {number} */ n) {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
