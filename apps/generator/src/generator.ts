import type {
  BackfillOptionsInput,
  BackfillStatus,
  GeneratorStatus,
  RunStatus,
  StartOptionsInput,
} from '@weather/contracts/generator';
import { backfillOptionsSchema, startOptionsSchema } from '@weather/contracts/generator';
import type { Logger } from '@weather/core/logger';
import { Backfill } from './backfill';
import { LiveRun } from './live-run';
import { createStations, type StationProfile } from './model/stations';
import { type AllowedTargets, TargetNotAllowedError } from './targets';
import type { TokenSource } from './uplink';

export interface GeneratorDeps {
  logger: Logger;
  /** Where readings go unless the options name another collector. */
  collectorUrl: string;
  /** The collectors options may name; default: only `collectorUrl`'s origin and path. */
  allowedTargets: AllowedTargets;
  /** Requests in flight across all stations of a live run. */
  maxInFlight?: number;
  /** How long stop waits for requests in flight. */
  stopGraceMs?: number;
  /** GENERATOR_INGEST_TOKEN: sent to the collector unless the options pass `token`. */
  ingestToken?: string;
  /** Waits before re-sending a refused upload; default REFUSAL_RETRY_DELAYS_MS. */
  refusalRetryDelaysMs?: readonly number[];
}

/** Refused because a backfill is already running. */
export class BackfillRunningError extends Error {
  constructor() {
    super('A backfill is already running; stop it with POST /stop or wait for it to finish.');
    this.name = 'BackfillRunningError';
  }
}

/**
 * Owns the live run and the backfill: at most one of each at a time. Starting while a run is
 * going restarts it with the new options (the old run is stopped first; counters start over).
 */
export class Generator {
  private run: LiveRun | undefined;
  private backfill: Backfill | undefined;
  /** start and stop take turns, so a restart never overlaps another. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: GeneratorDeps) {}

  start(
    input: StartOptionsInput = {},
  ): Promise<{ status: 'started' | 'restarted'; run: RunStatus }> {
    const { token, ...options } = startOptionsSchema.parse(input);
    this.checkTarget(options.collector_url);
    const credential = this.credential(token);
    return this.inTurn(async () => {
      const restarted = this.run?.running === true;
      if (this.run) await this.run.stop();
      this.run = new LiveRun(
        {
          ...options,
          collector_url: options.collector_url ?? this.deps.collectorUrl,
          token_source: credential.source,
        },
        {
          logger: this.deps.logger.child({ module: 'run' }),
          maxInFlight: this.deps.maxInFlight ?? 32,
          stopGraceMs: this.deps.stopGraceMs,
          token: credential.token,
          refusalRetryDelaysMs: this.deps.refusalRetryDelaysMs,
        },
      );
      this.run.start();
      return {
        status: restarted ? ('restarted' as const) : ('started' as const),
        run: this.run.status(),
      };
    });
  }

  /** Stops the live run and cancels a running backfill; answers once both have settled. */
  stop(): Promise<{
    status: 'stopped' | 'not_running';
    run: RunStatus | null;
    backfill: BackfillStatus | null;
  }> {
    return this.inTurn(async () => {
      const wasRunning = this.run?.running === true || this.backfill?.running === true;
      await Promise.all([this.run?.stop(), this.backfill?.cancel(this.deps.stopGraceMs)]);
      return {
        status: wasRunning ? ('stopped' as const) : ('not_running' as const),
        run: this.run?.status() ?? null,
        backfill: this.backfill?.status() ?? null,
      };
    });
  }

  startBackfill(input: BackfillOptionsInput = {}): BackfillStatus {
    const { token, ...options } = backfillOptionsSchema.parse(input);
    this.checkTarget(options.collector_url);
    if (this.backfill?.running) throw new BackfillRunningError();
    const credential = this.credential(token);
    this.backfill = new Backfill(
      {
        ...options,
        collector_url: options.collector_url ?? this.deps.collectorUrl,
        token_source: credential.source,
      },
      {
        logger: this.deps.logger.child({ module: 'backfill' }),
        token: credential.token,
        refusalRetryDelaysMs: this.deps.refusalRetryDelaysMs,
      },
    );
    void this.backfill.start();
    return this.backfill.status();
  }

  status(): GeneratorStatus {
    return {
      running: this.run?.running === true,
      run: this.run?.status() ?? null,
      backfill: this.backfill?.status() ?? null,
    };
  }

  /** The stations of the current run, or those a run with `count` and `seed` would simulate. */
  stations(count?: number, seed?: number): StationProfile[] {
    if (this.run && count === undefined && seed === undefined) return this.run.stations;
    return createStations(
      count ?? this.run?.options.stations ?? 10,
      seed ?? this.run?.options.seed ?? 1,
    );
  }

  /**
   * The token a run sends: the option's, else GENERATOR_INGEST_TOKEN's. It stays out of the
   * run's options, which /status and the logs show; only where it came from is kept there.
   */
  private credential(token: string | undefined): { token?: string; source: TokenSource } {
    if (token !== undefined) return { token, source: 'option' };
    if (this.deps.ingestToken !== undefined) return { token: this.deps.ingestToken, source: 'env' };
    return { source: 'none' };
  }

  /** Throws before anything starts (a running run keeps going) when the collector is not allowed. */
  private checkTarget(url: string | undefined) {
    if (url !== undefined && !this.deps.allowedTargets.allows(url)) {
      throw new TargetNotAllowedError(url);
    }
  }

  private inTurn<T>(task: () => Promise<T>): Promise<T> {
    const result = this.turn.then(task);
    this.turn = result.catch(() => {});
    return result;
  }
}
