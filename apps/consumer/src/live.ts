import { type LiveUpdate, redisKeys } from '@weather/contracts/redis-keys';
import type { Logger } from '@weather/core/logger';
import type { Reading } from '@weather/core/reading';
import type { Redis } from 'ioredis';

export interface StoredBatch {
  /** Per station: how many of its readings the commit covered, and the newest of them. */
  stations: Map<string, { readings: number; newest: Reading; receivedAt: string }>;
}

/**
 * After a commit: bump the stations' cache versions and publish their newest readings. Runs
 * after the fact and never throws: Redis being down makes queries uncached, never stops ingest.
 */
export function createLiveNotifier(redis: Redis, logger: Logger) {
  let failing = false;
  return async function notify({ stations }: StoredBatch) {
    if (stations.size === 0) return;
    const pipeline = redis.pipeline();
    for (const [stationId, { readings, newest, receivedAt }] of stations) {
      pipeline.incr(redisKeys.stationVersion(stationId));
      const update: LiveUpdate = {
        station_id: stationId,
        timestamp: newest.timestamp,
        received_at: receivedAt,
        readings,
      };
      pipeline.publish(redisKeys.liveChannel, JSON.stringify(update));
    }
    pipeline.incr(redisKeys.stationsVersion);
    if (failing) pipeline.incr(redisKeys.epoch);
    try {
      const results = await pipeline.exec();
      const error = results?.find(([err]) => err)?.[0];
      if (error) throw error;
      if (failing) logger.info('Redis reachable again; live updates resumed');
      failing = false;
    } catch (err) {
      if (!failing)
        logger.warn({ err }, 'Redis unavailable; skipping cache invalidation and live updates');
      failing = true;
    }
  };
}
