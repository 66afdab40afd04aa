// @ts-check
// Redis for local runs: the running server, or the installed `redis-server` started in memory as
// a child of this process.
import { Redis } from 'ioredis';
import { startProcess } from '../lib/process.mjs';
import { isLocalHost, isPortOpen, portHolder, say, waitFor, which } from '../lib/util.mjs';

/** True when a Redis server answers PING at host:port (NOAUTH counts: it is Redis). */
export async function isRedisAt(
  /** @type {string} */ host,
  /** @type {number} */ port,
  timeoutMs = 1000,
) {
  const redis = new Redis({
    host,
    port,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {}); // the answer below says it all
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch (error) {
    return error instanceof Error && error.message.startsWith('NOAUTH');
  } finally {
    redis.disconnect();
  }
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
  const server = which('redis-server');
  if (!isLocalHost(host) || !server) {
    throw new Error(
      `Redis is not reachable at ${host}:${port}. Install it (apt-get install -y redis-server), ` +
        'point REDIS_URL at a running server, or use the Docker path: docker compose up -d',
    );
  }
  say(`starting redis-server on ${host}:${port} (in memory)…`);
  const child = await startProcess({
    cmd: server,
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    stopGraceMs: 5_000,
  });
  await waitFor(`Redis on ${host}:${port}`, () => isRedisAt(host, port), {
    timeoutMs,
    failed: () => (child.running() ? undefined : 'redis-server exited'),
  });
  return {
    started: true,
    stop: async () => {
      if (child.running()) say('stopping redis-server');
      await child.stop();
    },
  };
}
