import { type RegistryChange, redisKeys } from '@weather/contracts/redis-keys';
import type { Redis } from 'ioredis';

/**
 * Tells every collector that the registry changed (they reload their view at once). Resolves
 * with how many listened; rejects when Redis cannot be reached, in which case collectors see
 * the change at their next periodic reload.
 */
export async function publishRegistryChange(redis: Redis): Promise<number> {
  const change: RegistryChange = { at: new Date().toISOString() };
  return redis.publish(redisKeys.registryChannel, JSON.stringify(change));
}
