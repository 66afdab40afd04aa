import {
  type BackfillStatus,
  backfillReadingsPerStation,
  type ResolvedBackfillOptions,
} from '@weather/contracts/generator';
import type { Logger } from '@weather/core/logger';
import { childTrace, withTrace } from '@weather/core/trace';
import { Counters } from './counters';
import { DuplicateCredit, INVALID_KINDS, makeInvalid, reading } from './faults';
import { KeyLedger } from './ledger';
import { createRng } from './model/prng';
import { createStations } from './model/stations';
import { StationWeather } from './model/weather';
import { Limiter, type Outgoing, Uplink } from './uplink';

export interface BackfillDeps {
  logger: Logger;
  /** Sent as `Authorization: Bearer`; its source is `options.token_source`. */
  token?: string;
  /** Waits before re-sending a refused request (see REFUSAL_RETRY_DELAYS_MS). */
  refusalRetryDelaysMs?: readonly number[];
  now?: () => number;
}

interface Chunk {
  stationId: string;
  items: Outgoing[];
  fresh: number;
}

/** A backfill gives up after this many failed attempts of one request (about 2.5 minutes). */
const MAX_ATTEMPTS = 12;

/**
 * History for N stations over D days, ending now, sent as fast as the collector takes it:
 * station after station in batches of up to 1000, `concurrency` requests in flight.
 */
export class Backfill {
  readonly counters = new Counters();
  private readonly ledger = new KeyLedger();
  private readonly stopController = new AbortController();
  private readonly abortController = new AbortController();
  private readonly now: () => number;
  private readonly perStation: number;
  private readonly stepMs: number;
  private readonly from: number;
  private readonly to: number;
  private readonly startedAt: number;
  private finishedAt: number | null = null;
  private state: BackfillStatus['state'] = 'running';
  private error: string | null = null;
  private answered = 0;
  /** Requests of a station not yet answered; its keys are forgotten once it has none left. */
  private readonly pending = new Map<string, number>();
  private readonly generatedStations = new Set<string>();
  private done: Promise<void> | undefined;

  constructor(
    readonly options: ResolvedBackfillOptions,
    private readonly deps: BackfillDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.startedAt = this.now();
    this.stepMs = Math.round(options.interval * 1000);
    this.perStation = backfillReadingsPerStation(options);
    // Aligned to the step, so every station's readings share timestamps and buckets line up.
    this.to = Math.floor(this.startedAt / this.stepMs) * this.stepMs;
    this.from = this.to - (this.perStation - 1) * this.stepMs;
  }

  get planned() {
    return this.perStation * this.options.stations;
  }

  get running() {
    return this.state === 'running';
  }

  /** Starts sending in the background; the promise settles when the backfill ends. */
  start(): Promise<void> {
    // Its own trace, not that of the request that started it.
    this.done ??= withTrace(childTrace(), () => this.run());
    return this.done;
  }

  private async run() {
    const { options, counters } = this;
    this.deps.logger.info(
      { ...options, planned: this.planned, from: new Date(this.from), to: new Date(this.to) },
      'backfill started',
    );
    const uplink = new Uplink({
      collectorUrl: options.collector_url,
      counters,
      ledger: this.ledger,
      limiter: new Limiter(options.concurrency),
      stop: this.stopController.signal,
      abort: this.abortController.signal,
      rng: createRng(options.seed, 'backfill-jitter'),
      logger: this.deps.logger,
      token: this.deps.token,
      tokenSource: options.token_source ?? 'none',
      refusalRetryDelaysMs: this.deps.refusalRetryDelaysMs,
      maxAttempts: MAX_ATTEMPTS,
    });
    const chunks = this.chunks();
    const worker = async () => {
      while (this.state === 'running') {
        const next = chunks.next();
        if (next.done) return;
        const chunk = next.value;
        const result = await uplink.deliver(chunk.items, false);
        if (result.kind === 'unsent') {
          if (this.state === 'running')
            this.fail(`gave up after ${MAX_ATTEMPTS} attempts: ${counters.lastError}`);
          return;
        }
        // A history with a station missing is not the one asked for: a refusal ends it.
        if (result.refusal) {
          this.fail(result.refusal.summary);
          return;
        }
        if (result.wholeRequest) {
          this.fail(`the collector refused the request: ${result.lastReason ?? 'unknown reason'}`);
          return;
        }
        this.answered += chunk.fresh;
        const left = (this.pending.get(chunk.stationId) ?? 1) - 1;
        this.pending.set(chunk.stationId, left);
        if (left === 0 && this.generatedStations.has(chunk.stationId)) {
          this.ledger.forgetStation(chunk.stationId);
          this.pending.delete(chunk.stationId);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: options.concurrency }, worker));
      if (this.state === 'running') this.state = 'completed';
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
    }
    this.finishedAt = this.now();
    this.deps.logger.info(
      { state: this.state, ...counters.snapshot(), rejections: undefined, error: this.error },
      'backfill finished',
    );
  }

  private fail(message: string) {
    if (this.state !== 'running') return;
    this.state = 'failed';
    this.error = message;
    this.stopController.abort();
  }

  /** Station after station, each in time order, cut into requests of up to batch_size records. */
  private *chunks(): Generator<Chunk> {
    const { options, counters } = this;
    const stations = createStations(options.stations, options.seed);
    for (const station of stations) {
      const weather = new StationWeather(station, options.seed);
      const rng = createRng(options.seed, 'backfill-faults', station.id);
      const credit = new DuplicateCredit(options.duplicate_percent);
      const history: Outgoing[] = [];
      const items: Outgoing[] = [];
      for (let k = 0; k < this.perStation; k++) {
        const timestamp = this.from + k * this.stepMs;
        counters.generated++;
        const valid = reading(station.id, timestamp, weather.next(timestamp));
        if (options.invalid_percent > 0 && rng.chance(options.invalid_percent / 100)) {
          const kind = rng.pick(INVALID_KINDS);
          counters.invalid(kind);
          items.push({
            record: makeInvalid(valid, kind, rng, this.now()),
            duplicate: false,
            valid: false,
          });
        } else {
          items.push({ record: valid, duplicate: false, valid: true, timestampMs: timestamp });
        }
        for (let copies = credit.next(); copies > 0; copies--) {
          const pending = items.filter((item) => item.valid && !item.duplicate);
          const pool =
            history.length > 0 && (pending.length === 0 || rng.chance(0.5)) ? history : pending;
          if (pool.length === 0) break;
          counters.faults.duplicates++;
          items.push({ ...rng.pick(pool), duplicate: true, sentOnce: false });
        }
        const last = k === this.perStation - 1;
        if (items.length >= options.batch_size || last) {
          // Copies may push a request past batch_size; split so none exceeds it.
          while (items.length > 0) {
            const part = items.splice(0, options.batch_size);
            const partFresh = part.filter((item) => !item.duplicate).length;
            for (const item of part) if (item.valid && !item.duplicate) history.push(item);
            if (history.length > 32) history.splice(0, history.length - 32);
            if (last && items.length === 0) this.generatedStations.add(station.id);
            this.pending.set(station.id, (this.pending.get(station.id) ?? 0) + 1);
            yield { stationId: station.id, items: part, fresh: partFresh };
            if (!last && items.length < options.batch_size) break;
          }
        }
      }
    }
  }

  /** Stops sending: requests in flight get `graceMs` to finish, then are cut off. */
  async cancel(graceMs = 10_000) {
    if (this.state !== 'running') return;
    this.state = 'cancelled';
    this.stopController.abort();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      (this.done ?? Promise.resolve()).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (!finished) {
      this.abortController.abort();
      await this.done;
    }
  }

  status(): BackfillStatus {
    const end = this.finishedAt ?? this.now();
    const seconds = (end - this.startedAt) / 1000;
    return {
      state: this.state,
      started_at: new Date(this.startedAt).toISOString(),
      finished_at: this.finishedAt === null ? null : new Date(this.finishedAt).toISOString(),
      options: this.options,
      from: new Date(this.from).toISOString(),
      to: new Date(this.to).toISOString(),
      planned: this.planned,
      progress: this.planned === 0 ? 1 : Math.min(1, this.answered / this.planned),
      elapsed_seconds: Math.round(seconds * 10) / 10,
      error: this.error,
      ...this.counters.snapshot(),
      // For a backfill the average over the whole job is the figure worth quoting.
      readings_per_second: seconds > 0 ? Math.round(this.counters.accepted / seconds) : 0,
    };
  }
}
