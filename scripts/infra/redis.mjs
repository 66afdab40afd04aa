// @ts-check
import { spawn } from 'node:child_process';
import net from 'node:net';
import { hasCommand, isLocalHost, isPortOpen, portHolder, say, waitFor } from '../lib/util.mjs';

/** True when a Redis server answers PING at host:port (NOAUTH counts: it is Redis). */
export function isRedisAt(
  /** @type {string} */ host,
  /** @type {number} */ port,
  timeoutMs = 1000,
) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let answer = '';
    const done = (/** @type {boolean} */ ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG') || answer.startsWith('-NOAUTH'));
    });
  });
}

/**
 * Makes Redis answer at `url`: uses a running server, or starts the installed `redis-server`
 * (in memory only) as a child that `stop()` ends.
 * @param {{ url: string, timeoutMs?: number }} opts
 */
export async function ensureRedis({ url, timeoutMs = 15_000 }) {
  const { hostname: host, port: rawPort } = new URL(url);
  const port = Number(rawPort || 6379);
  if (await isRedisAt(host, port)) return { started: false, stop: async () => {} };
  if (await isPortOpen(host, port)) {
    throw new Error(`Port ${port} is held by ${portHolder(port)}, which does not answer as Redis.`);
  }
  if (!isLocalHost(host) || !hasCommand('redis-server')) {
    throw new Error(
      `Redis is not reachable at ${host}:${port}. Install it (apt-get install -y redis-server), ` +
        'point REDIS_URL at a running server, or use the Docker path: docker compose up -d',
    );
  }
  say(`starting redis-server on ${host}:${port} (in memory)…`);
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  await waitFor(`Redis on ${host}:${port}`, () => isRedisAt(host, port), { timeoutMs });
  return {
    started: true,
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null) return;
      say('stopping redis-server');
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
