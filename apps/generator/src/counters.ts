/** Accepted records per second over a sliding window of whole seconds. */
export class RateMeter {
  private readonly buckets: number[];
  private second = 0;

  constructor(
    private readonly windowSeconds = 10,
    private readonly now: () => number = Date.now,
  ) {
    this.buckets = new Array(windowSeconds).fill(0);
  }

  add(count: number) {
    this.advance();
    this.buckets[this.second % this.windowSeconds] =
      (this.buckets[this.second % this.windowSeconds] ?? 0) + count;
  }

  perSecond(): number {
    this.advance();
    const total = this.buckets.reduce((sum, n) => sum + n, 0);
    return Math.round((total / this.windowSeconds) * 10) / 10;
  }

  private advance() {
    const second = Math.floor(this.now() / 1000);
    if (this.second === 0) this.second = second;
    // Clear the buckets of the seconds that passed without a call.
    for (let s = this.second + 1; s <= second && s <= this.second + this.windowSeconds; s++) {
      this.buckets[s % this.windowSeconds] = 0;
    }
    this.second = Math.max(this.second, second);
  }
}

const increment = (map: Map<string, number>, key: string, by = 1) =>
  map.set(key, (map.get(key) ?? 0) + by);

/** What a run or a backfill did, as /status reports it (see `countersShape` in the contract). */
export class Counters {
  generated = 0;
  sent = 0;
  accepted = 0;
  rejected = 0;
  retried = 0;
  uniqueAccepted = 0;
  duplicatesSent = 0;
  duplicatesAccepted = 0;
  dropped = 0;
  discarded = 0;
  unknownOutcome = 0;
  inFlight = 0;
  readonly requests = { total: 0, accepted: 0, rejected: 0, unavailable: 0, failed: 0 };
  readonly rejections = new Map<string, number>();
  readonly faults = {
    duplicates: 0,
    out_of_order: 0,
    late_uploads: 0,
    late_readings: 0,
    clock_skewed: 0,
    invalid: 0,
    bursts: 0,
    burst_readings: 0,
  };
  readonly invalidByKind = new Map<string, number>();
  readonly rate = new RateMeter();
  lastError: string | null = null;

  reject(reasons: readonly string[]) {
    this.rejected++;
    for (const reason of new Set(reasons)) increment(this.rejections, reason);
  }

  invalid(kind: string) {
    this.faults.invalid++;
    increment(this.invalidByKind, kind);
  }

  snapshot() {
    return {
      generated: this.generated,
      sent: this.sent,
      accepted: this.accepted,
      rejected: this.rejected,
      retried: this.retried,
      unique_accepted: this.uniqueAccepted,
      duplicates_sent: this.duplicatesSent,
      duplicates_accepted: this.duplicatesAccepted,
      dropped: this.dropped,
      discarded: this.discarded,
      unknown_outcome: this.unknownOutcome,
      in_flight: this.inFlight,
      requests: { ...this.requests },
      rejections: Object.fromEntries(this.rejections),
      faults: { ...this.faults, invalid_by_kind: Object.fromEntries(this.invalidByKind) },
      readings_per_second: this.rate.perSecond(),
      last_error: this.lastError,
    };
  }
}
