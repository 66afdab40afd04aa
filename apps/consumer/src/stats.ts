import type { ConsumerStatsBody } from '@weather/contracts/consumer';
export interface PartitionLag {
  partition: number;
  committed: string;
  high: string;
  lag: number;
}

export interface Stall {
  partitions: number[];
  /** Records not committed on those partitions. */
  waiting: number;
  /** How long the longest-waiting of them has gone without a commit. */
  ageMs: number;
}

/** What the consumer has done since it started; `/stats` and the metrics read it. */
export class ConsumerStats {
  readonly startedAt = new Date();
  messages = 0;
  received = 0;
  inserted = 0;
  duplicatesMemory = 0;
  duplicatesDatabase = 0;
  deadLettered = 0;
  /** Readings the database refused for their content, each dead-lettered (counted in `deadLettered` too). */
  deadLetteredDatabase = 0;
  batches = 0;
  databaseRetries = 0;
  /** Set while inserts fail and the consumer is waiting to retry; short, never SQL or values. */
  databaseError: string | null = null;
  lag: PartitionLag[] = [];
  lagUpdatedAt: Date | null = null;
  /** When this consumer last committed offsets, any partition. */
  lastCommitAt: Date | null = null;

  /**
   * Per assigned partition, the time from which its uncommitted records count as waiting: its
   * assignment, its last commit, or the last time it was seen with nothing to do.
   */
  private readonly waitingSince = new Map<number, number>();

  /** Inserted rows per one-second slot, kept for the last 15 minutes (dashboard chart). */
  private readonly window = new Map<number, number>();
  private static readonly WINDOW_S = 10;
  private static readonly HISTORY_S = 15 * 60;
  private static readonly HISTORY_STEP_S = 10;

  /** The group gave this consumer `partitions`; partitions it already held keep their clocks. */
  noteAssignment(partitions: readonly number[], now = Date.now()) {
    const kept = new Map(this.waitingSince);
    this.waitingSince.clear();
    for (const p of partitions) this.waitingSince.set(p, kept.get(p) ?? now);
  }

  noteCommit(partition: number, now = Date.now()) {
    this.lastCommitAt = new Date(now);
    if (this.waitingSince.has(partition)) this.waitingSince.set(partition, now);
  }

  noteLag(lag: PartitionLag[], now = Date.now()) {
    this.lag = lag;
    this.lagUpdatedAt = new Date(now);
    for (const p of lag) {
      if (p.lag === 0 && this.waitingSince.has(p.partition))
        this.waitingSince.set(p.partition, now);
    }
  }

  /**
   * Assigned partitions whose records have waited more than `afterMs` without a commit, with
   * how many records wait there and for how long; null when none. An idle consumer with no lag
   * is never stalled, however old its last commit.
   */
  stall(afterMs: number, now = Date.now()): Stall | null {
    let waiting = 0;
    let ageMs = 0;
    const partitions: number[] = [];
    for (const { partition, lag } of this.lag) {
      const since = this.waitingSince.get(partition);
      if (since === undefined || lag === 0 || now - since <= afterMs) continue;
      partitions.push(partition);
      waiting += lag;
      ageMs = Math.max(ageMs, now - since);
    }
    return partitions.length > 0 ? { partitions, waiting, ageMs } : null;
  }

  /** Seconds since the last commit, one decimal; null before the first. */
  lastCommitAgeS(now = Date.now()) {
    return this.lastCommitAt === null
      ? null
      : Math.round((now - this.lastCommitAt.getTime()) / 100) / 10;
  }

  recordInserted(rows: number, now = Date.now()) {
    this.inserted += rows;
    const slot = Math.floor(now / 1000);
    this.window.set(slot, (this.window.get(slot) ?? 0) + rows);
    for (const key of this.window.keys()) {
      if (key <= slot - ConsumerStats.HISTORY_S) this.window.delete(key);
    }
  }

  rowsPerSecond(now = Date.now()) {
    const current = Math.floor(now / 1000);
    let total = 0;
    // Whole seconds only: the current, partial second would under-report.
    for (const [slot, rows] of this.window) {
      if (slot < current && slot >= current - ConsumerStats.WINDOW_S) total += rows;
    }
    return total / ConsumerStats.WINDOW_S;
  }

  /** Rows per second in 10-second steps over the last 15 minutes, oldest first, zeros included. */
  rateHistory(now = Date.now()) {
    const step = ConsumerStats.HISTORY_STEP_S;
    const end = Math.floor(now / 1000 / step) * step;
    const points: { t: string; rows_per_second: number }[] = [];
    for (let start = end - ConsumerStats.HISTORY_S; start < end; start += step) {
      let rows = 0;
      for (let s = start; s < start + step; s++) rows += this.window.get(s) ?? 0;
      points.push({ t: new Date(start * 1000).toISOString(), rows_per_second: rows / step });
    }
    return points;
  }

  toJSON(): ConsumerStatsBody {
    return {
      started_at: this.startedAt.toISOString(),
      messages: this.messages,
      received: this.received,
      inserted: this.inserted,
      duplicates_dropped_memory: this.duplicatesMemory,
      duplicates_dropped_database: this.duplicatesDatabase,
      dead_lettered: this.deadLettered,
      dead_lettered_database: this.deadLetteredDatabase,
      batches: this.batches,
      rows_per_second: Math.round(this.rowsPerSecond() * 10) / 10,
      database_retries: this.databaseRetries,
      database_error: this.databaseError,
      last_commit_at: this.lastCommitAt?.toISOString() ?? null,
      last_commit_age_s: this.lastCommitAgeS(),
      rate_history: this.rateHistory(),
      lag: {
        total: this.lag.reduce((sum, p) => sum + p.lag, 0),
        updated_at: this.lagUpdatedAt?.toISOString() ?? null,
        partitions: this.lag,
      },
    };
  }
}
