/** What the consumer has done since it started; `/stats` and the metrics read it. */
export class ConsumerStats {
  readonly startedAt = new Date();
  messages = 0;
  received = 0;
  inserted = 0;
  duplicatesMemory = 0;
  duplicatesDatabase = 0;
  deadLettered = 0;
  batches = 0;
  databaseRetries = 0;
  /** Set while inserts fail and the consumer is waiting to retry. */
  databaseError: string | null = null;
  lag: { partition: number; committed: string; high: string; lag: number }[] = [];
  lagUpdatedAt: Date | null = null;

  /** Inserted rows per one-second slot, kept for the last 15 minutes (dashboard chart). */
  private readonly window = new Map<number, number>();
  private static readonly WINDOW_S = 10;
  private static readonly HISTORY_S = 15 * 60;
  private static readonly HISTORY_STEP_S = 10;

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

  toJSON() {
    return {
      started_at: this.startedAt.toISOString(),
      messages: this.messages,
      received: this.received,
      inserted: this.inserted,
      duplicates_dropped_memory: this.duplicatesMemory,
      duplicates_dropped_database: this.duplicatesDatabase,
      dead_lettered: this.deadLettered,
      batches: this.batches,
      rows_per_second: Math.round(this.rowsPerSecond() * 10) / 10,
      database_retries: this.databaseRetries,
      database_error: this.databaseError,
      rate_history: this.rateHistory(),
      lag: {
        total: this.lag.reduce((sum, p) => sum + p.lag, 0),
        updated_at: this.lagUpdatedAt?.toISOString() ?? null,
        partitions: this.lag,
      },
    };
  }
}
