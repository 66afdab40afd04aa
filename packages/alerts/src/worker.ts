/**
 * The alert worker (SPEC §17): every `evaluateEveryMs` it evaluates the rules against every
 * station's health and newest reading and records what changed with its notifications; every
 * `deliverEveryMs` it delivers due notifications. It runs inside each consumer, and a PostgreSQL
 * advisory lock makes exactly one of them the evaluator at a time: when that process dies, its
 * session (and the lock) ends and another takes over within one interval. Its state lives in
 * the database, so a restart neither repeats nor loses a notification.
 */

import { healthOf } from '@weather/core/health';
import type { Logger } from '@weather/core/logger';
import { type Database, latestReadings, leaderLock, stationHealthFacts } from '@weather/db';
import type pg from 'pg';
import { deliver } from './deliver';
import { evaluate, type StationView } from './evaluate';
import { applyChanges, claimDue, listRules, openAlerts, recordDelivery, ruleOf } from './store';

export interface AlertWorkerOptions {
  db: Database;
  pool: pg.Pool;
  logger: Logger;
  /** Where links in notifications point: the dashboard's public URL. */
  dashboardUrl: string;
  allowPrivate: boolean;
  evaluateEveryMs?: number;
  deliverEveryMs?: number;
  /** The first retry's wait after a failed delivery (it doubles each time); 10 s by default. */
  firstRetryMs?: number;
}

/** The advisory lock that makes one process the evaluator (an arbitrary, fixed 64-bit key). */
const LEADER_LOCK = 7_310_042_117;

export function startAlertWorker(options: AlertWorkerOptions) {
  const { db, pool, logger } = options;
  const evaluateEveryMs = options.evaluateEveryMs ?? 15_000;
  const deliverEveryMs = options.deliverEveryMs ?? 2000;
  const leader = leaderLock(pool, LEADER_LOCK, (err) =>
    logger.warn({ err }, 'alert worker: could not try the leader lock'),
  );
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  /** Takes (or keeps) the lead; false while another process has it. */
  async function lead(): Promise<boolean> {
    if (leader.leading) return true;
    const took = await leader.lead();
    if (took) logger.info('alert worker: this process evaluates the alert rules');
    return took;
  }

  async function evaluateOnce() {
    if (!(await lead())) return;
    const now = new Date();
    const rules = (await listRules(db)).filter((r) => r.enabled);
    if (rules.length === 0) return;
    const facts = await stationHealthFacts(db, { now });
    const needsLatest = rules.some((r) => r.kind === 'threshold');
    const latest = needsLatest
      ? new Map(
          (
            await latestReadings(
              db,
              facts.map((f) => f.station_id),
            )
          ).map((r) => [r.station_id, r]),
        )
      : new Map();
    const stations: StationView[] = facts.map((f) => {
      const health = healthOf(f, now.getTime());
      const reading = latest.get(f.station_id);
      return {
        stationId: f.station_id,
        tags: f.tags,
        state: health.state,
        batteryLow: f.battery_low,
        latest: reading ? { at: Date.parse(reading.timestamp), values: reading } : null,
      };
    });
    const changes = evaluate(rules.map(ruleOf), stations, await openAlerts(db), now.getTime());
    if (changes.length === 0) return;
    const applied = await applyChanges(db, changes, {
      rules: new Map(rules.map((r) => [r.id, r])),
      now,
      dashboardUrl: options.dashboardUrl,
    });
    if (applied.fired + applied.resolved > 0) logger.info(applied, 'alert worker: alerts changed');
  }

  async function deliverDue() {
    if (!leader.leading) return;
    const due = await claimDue(db, 20, 60_000);
    await Promise.all(
      due.map(async (n) => {
        const outcome = await deliver(n, {
          allowPrivate: options.allowPrivate,
          firstRetryMs: options.firstRetryMs,
        });
        await recordDelivery(db, n.id, outcome);
        if (!outcome.ok) {
          logger.warn(
            {
              notification: n.id,
              webhook: n.webhook_id,
              status: outcome.status,
              error: outcome.error,
              retry: outcome.retryAt,
            },
            'alert worker: a webhook delivery failed',
          );
        }
      }),
    );
  }

  const guarded = (what: string, work: () => Promise<void>) => () => {
    running = running
      .then(work)
      .catch((err) => logger.error({ err }, `alert worker: ${what} failed`));
  };
  const evaluateTimer = setInterval(guarded('evaluation', evaluateOnce), evaluateEveryMs);
  const deliverTimer = setInterval(guarded('delivery', deliverDue), deliverEveryMs);
  guarded('evaluation', evaluateOnce)();

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(evaluateTimer);
      clearInterval(deliverTimer);
      await running;
      await leader.release();
    },
  };
}
