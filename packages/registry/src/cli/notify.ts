import { Redis } from 'ioredis';
import { publishRegistryChange } from '../changes';
import { DEFAULT_RELOAD_INTERVAL_MS } from '../watcher';

const TIMEOUT_MS = 2000;

/**
 * Tells collectors the registry changed. Resolves with a warning instead of failing when Redis
 * cannot be reached: the change is saved, and collectors reload periodically anyway.
 */
export async function notifyCollectors(redisUrl: string): Promise<string | null> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: TIMEOUT_MS,
    commandTimeout: TIMEOUT_MS,
    // One attempt: a CLI waits for no reconnects.
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await publishRegistryChange(redis);
    await redis.quit();
    return null;
  } catch (error) {
    redis.disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    return (
      `warning: the change is saved, but collectors could not be told at once (Redis at ` +
      `${hostOf(redisUrl)}: ${reason}); they pick it up at their next periodic reload, within ` +
      `${DEFAULT_RELOAD_INTERVAL_MS / 1000} s`
    );
  }
}

function hostOf(url: string) {
  try {
    return new URL(url).host;
  } catch {
    return 'the configured address';
  }
}
