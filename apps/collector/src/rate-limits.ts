/**
 * Per-credential rate limits (SPEC §12): requests and readings per second, each with a burst.
 * Counted in Redis, so several collectors share one budget per token; when Redis cannot be
 * reached each collector counts on its own (rate-limiter-flexible's insurance limiter), so
 * ingestion never stops because Redis is down.
 */
import type { RateLimitSettings } from '@weather/db';
import type { Redis } from 'ioredis';
import {
  BurstyRateLimiter,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

export interface RateLimitDefaults {
  requestsPerSecond: number;
  readingsPerSecond: number;
  /** Seconds of the rate a client may spend at once on top of it, within any 10 s. */
  burstSeconds: number;
}

export type LimitedBy = 'requests' | 'readings';

/** Over the limit: what ran out, and when to try again (whole seconds, at least 1). */
export interface Refusal {
  limitedBy: LimitedBy;
  retryAfterSeconds: number;
}

const BURST_WINDOW_S = 10;

export class RateLimits {
  /** One limiter per (kind, rate): credentials with the same limits share it, keyed by id. */
  private readonly limiters = new Map<string, BurstyRateLimiter>();

  constructor(
    private readonly redis: Redis | null,
    private readonly defaults: RateLimitDefaults,
  ) {}

  /** Spends `points` of the credential's `kind` budget; a refusal when it ran out (0: no limit). */
  consume(kind: LimitedBy, credentialId: number, limits: RateLimitSettings, points: number) {
    const rate =
      kind === 'requests'
        ? (limits.requestsPerSecond ?? this.defaults.requestsPerSecond)
        : (limits.readingsPerSecond ?? this.defaults.readingsPerSecond);
    return this.spend(kind, rate, credentialId, points);
  }

  private async spend(
    kind: LimitedBy,
    rate: number,
    key: number,
    points: number,
  ): Promise<Refusal | null> {
    if (rate <= 0) return null;
    try {
      await this.limiter(kind, rate).consume(key, points);
      return null;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return {
        limitedBy: kind,
        retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
      };
    }
  }

  private limiter(kind: LimitedBy, rate: number): BurstyRateLimiter {
    const name = `${kind}:${rate}`;
    let limiter = this.limiters.get(name);
    if (!limiter) {
      const burst = Math.max(1, Math.ceil(rate * this.defaults.burstSeconds));
      const make = (points: number, duration: number, prefix: string) => {
        const keyPrefix = `weather:v1:ratelimit:${prefix}:${name}`;
        const insuranceLimiter = new RateLimiterMemory({ points, duration, keyPrefix });
        return this.redis
          ? new RateLimiterRedis({
              storeClient: this.redis,
              points,
              duration,
              keyPrefix,
              insuranceLimiter,
            })
          : insuranceLimiter;
      };
      limiter = new BurstyRateLimiter(
        make(Math.max(1, Math.ceil(rate)), 1, 'rate'),
        make(burst, BURST_WINDOW_S, 'burst'),
      );
      this.limiters.set(name, limiter);
    }
    return limiter;
  }
}
