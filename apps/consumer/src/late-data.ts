import type { Logger } from '@weather/core/logger';

/** The hourly continuous aggregate's refresh policy covers this much recent time (migration). */
export const POLICY_WINDOW_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * Readings older than the refresh policies' window would never reach the hourly and daily
 * rollups. The consumer notes the time span of such readings after each commit; this refreshes
 * the rollups over the merged span at most once per `intervalMs` (a backfill touches one span,
 * not thousands). On plain PostgreSQL `refresh` is a no-op.
 */
export class LateDataRefresher {
  private pending: { start: number; end: number } | null = null;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly refresh: (range: { start: Date; end: Date }) => Promise<void>,
    private readonly logger: Logger,
    private readonly intervalMs = 30_000,
    private readonly now = () => Date.now(),
  ) {}

  /** Records the timestamps (ISO) of committed readings; only those outside the window count. */
  note(timestamps: Iterable<string>) {
    // Normalised ISO UTC strings sort like the instants they name: compare without parsing.
    const horizon = new Date(this.now() - POLICY_WINDOW_MS + 60 * 60 * 1000).toISOString();
    for (const iso of timestamps) {
      if (iso >= horizon) continue;
      const t = Date.parse(iso);
      this.pending = this.pending
        ? { start: Math.min(this.pending.start, t), end: Math.max(this.pending.end, t) }
        : { start: t, end: t };
    }
    if (this.pending && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.running = this.flush();
      }, this.intervalMs);
    }
  }

  /** Refreshes what is pending now (also at shutdown). */
  async flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    const span = this.pending;
    if (!span) return;
    this.pending = null;
    const range = { start: new Date(span.start), end: new Date(span.end + 1) };
    try {
      await this.refresh(range);
      this.logger.info(
        { start: range.start.toISOString(), end: range.end.toISOString() },
        'refreshed rollups for late readings',
      );
    } catch (err) {
      this.logger.warn({ err }, 'could not refresh rollups for late readings; will retry');
      this.note([new Date(span.start).toISOString(), new Date(span.end).toISOString()]);
    }
  }
}
