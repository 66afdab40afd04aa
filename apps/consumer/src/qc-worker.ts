/**
 * The QC worker (SPEC §14): every `everyMs` it checks the readings stored since its last pass
 * for spikes, stuck sensors and wrong clocks (`runQcPass`), until none are left, and bumps the
 * cache versions of the stations whose readings gained flags, so cached answers that averaged
 * them in are not served again. One consumer of the group runs it at a time (an advisory lock,
 * as the alert worker); its place is kept in the database (`station_days`), so a restart
 * resumes where it stopped.
 */
import { redisKeys } from '@weather/contracts/redis-keys';
import type { Logger } from '@weather/core/logger';
import { type Database, leaderLock, runQcPass } from '@weather/db';
import type { Redis } from 'ioredis';
import type pg from 'pg';

/** The advisory lock that makes one process the QC worker (an arbitrary, fixed key). */
const QC_LOCK = 7_310_042_118;
/** Station-days per pass; passes repeat while a pass is full. */
const DAYS_PER_PASS = 200;

export function startQcWorker(options: {
  db: Database;
  pool: pg.Pool;
  redis: Redis;
  logger: Logger;
  everyMs: number;
  /** Told the span of readings that gained flags: rollups over it are stale. */
  onFlagged: (timestamps: string[]) => void;
}) {
  const { db, pool, redis, logger } = options;
  const leader = leaderLock(pool, QC_LOCK, (err) =>
    logger.warn({ err }, 'QC worker: could not try the leader lock'),
  );
  let stopped = false;
  let running: Promise<void> | null = null;

  async function passes() {
    if (!leader.leading) {
      if (!(await leader.lead())) return;
      logger.info('QC worker: this process checks the stored readings');
    }
    while (!stopped && leader.leading) {
      const pass = await runQcPass(db, { limit: DAYS_PER_PASS });
      for (const { station_id, day, error } of pass.failed) {
        logger.error({ err: error, station_id, day }, 'QC worker: a day could not be checked');
      }
      if (pass.span.length > 0) options.onFlagged(pass.span);
      if (pass.stations.length > 0) {
        logger.info({ flagged: pass.flagged, stations: pass.stations.length }, 'QC flags added');
        const pipeline = redis.pipeline();
        for (const station of pass.stations) pipeline.incr(redisKeys.stationVersion(station));
        await pipeline.exec().catch(() => {});
      }
      if (pass.days < DAYS_PER_PASS) return;
    }
  }

  // One run at a time: a tick while passes still run (a backlog) is skipped, not queued.
  const tick = () => {
    if (running) return;
    running = passes()
      .catch((err) => logger.error({ err }, 'QC worker: a pass failed'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, options.everyMs);
  tick();
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await running;
      await leader.release();
    },
  };
}
