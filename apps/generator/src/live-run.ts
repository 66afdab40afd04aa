import type { RunOptions, RunStatus } from '@weather/contracts/generator';
import type { Logger } from '@weather/core/logger';
import { childTrace, withTrace } from '@weather/core/trace';
import { Counters } from './counters';
import { KeyLedger } from './ledger';
import { createRng } from './model/prng';
import { createStations, type StationProfile } from './model/stations';
import { StationAgent } from './station-agent';
import { Limiter, type Refusal, Uplink } from './uplink';

export interface LiveRunDeps {
  logger: Logger;
  /** Requests in flight across all stations. */
  maxInFlight: number;
  /** How long stop waits for requests in flight before cutting them off. */
  stopGraceMs?: number;
  /** Sent as `Authorization: Bearer`; its source is `options.token_source`. */
  token?: string;
  /** Waits before re-sending a refused upload (see REFUSAL_RETRY_DELAYS_MS). */
  refusalRetryDelaysMs?: readonly number[];
  now?: () => number;
}

/** How often forgotten keys are pruned from the ledger. */
const PRUNE_EVERY_MS = 30_000;

/**
 * A live run: `options.stations` stations, each taking a reading every `interval` seconds
 * (staggered so uploads spread out), driven by one timer.
 */
export class LiveRun {
  readonly counters = new Counters();
  readonly stations: StationProfile[];
  private readonly ledger = new KeyLedger();
  private readonly agents: StationAgent[];
  private readonly due: number[];
  private readonly uploads = new Set<Promise<void>>();
  private readonly stopController = new AbortController();
  private readonly abortController = new AbortController();
  private readonly now: () => number;
  private state: RunStatus['state'] = 'running';
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private stoppedAt: number | null = null;
  private lastPrune = 0;
  private stopping: Promise<void> | undefined;
  /** Why the run stopped itself (its token refused, or every station); null otherwise. */
  private failure: string | null = null;
  private stationsRefused = 0;

  constructor(
    readonly options: RunOptions,
    private readonly deps: LiveRunDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.stations = createStations(options.stations, options.seed);
    const uplink = new Uplink({
      collectorUrl: options.collector_url,
      counters: this.counters,
      ledger: this.ledger,
      limiter: new Limiter(deps.maxInFlight),
      stop: this.stopController.signal,
      abort: this.abortController.signal,
      rng: createRng(options.seed, 'retry-jitter'),
      logger: deps.logger,
      token: deps.token,
      tokenSource: options.token_source ?? 'none',
      refusalRetryDelaysMs: deps.refusalRetryDelaysMs,
    });
    const context = {
      options,
      counters: this.counters,
      uplink,
      stopping: () => this.state !== 'running',
      track: (upload: Promise<void>) => {
        this.uploads.add(upload);
        void upload.finally(() => this.uploads.delete(upload));
      },
      refused: (agent: StationAgent, refusal: Refusal & { summary: string }) =>
        this.refused(agent, refusal),
    };
    const { protocols } = options;
    this.agents = this.stations.map(
      (profile, i) => new StationAgent(profile, context, protocols[i % protocols.length] ?? 'json'),
    );
    this.due = [];
  }

  get intervalMs() {
    return Math.max(1, Math.round(this.options.interval * 1000));
  }

  start() {
    this.startedAt = this.now();
    this.lastPrune = this.startedAt;
    const count = this.agents.length;
    for (let i = 0; i < count; i++) {
      this.due[i] = this.startedAt + Math.floor((i * this.intervalMs) / count);
    }
    this.deps.logger.info({ ...this.options, stations: count }, 'generator run started');
    // Detached from the trace of the /start request that created it: the run has its own.
    withTrace(childTrace(), () => this.loop());
  }

  private loop() {
    if (this.state !== 'running') return;
    const now = this.now();
    const interval = this.intervalMs;
    this.agents.forEach((agent, i) => {
      const due = this.due[i] ?? now;
      if (due > now) return;
      agent.tick(now);
      // A late timer skips the missed ticks rather than bursting to catch up.
      this.due[i] = due + interval > now ? due + interval : now + interval;
    });
    if (now - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now;
      for (const agent of this.agents) this.ledgerPrune(agent, now);
    }
    let next = Number.POSITIVE_INFINITY;
    for (const due of this.due) if (due < next) next = due;
    // A floor on the tick keeps thousands of staggered stations from waking the loop every ms.
    const minTick = Math.min(50, Math.max(2, interval / 20));
    this.timer = setTimeout(
      () => this.loop(),
      Math.max(minTick, Math.min(1000, next - this.now())),
    );
  }

  /**
   * A refused token stops the run: every station would be refused the same. A refused station
   * stops alone, as a real one would; when none is left, the run stops too.
   */
  private refused(agent: StationAgent, refusal: Refusal & { summary: string }) {
    if (this.state !== 'running') return;
    if (refusal.scope === 'token') {
      this.fail(refusal.summary);
      return;
    }
    if (agent.stopped) return;
    agent.halt();
    const stopped = ++this.stationsRefused;
    const total = this.agents.length;
    this.counters.lastError = `${refusal.summary} (${stopped} of ${total} stations stopped sending)`;
    if (stopped === total) {
      this.fail(`every station was refused; the last: ${refusal.summary}`);
    } else if (stopped === 1) {
      this.deps.logger.warn(
        { station: agent.profile.id, status: refusal.status, error: refusal.error },
        'the collector refused a station; it stopped sending (others keep going)',
      );
    }
  }

  private fail(message: string) {
    this.failure = message;
    this.deps.logger.warn({ error: message }, 'generator run stopped: the collector refused it');
    void this.stop();
  }

  private ledgerPrune(agent: StationAgent, now: number) {
    this.ledger.forgetBefore(agent.profile.id, agent.lowWaterMark(now));
  }

  /**
   * Stops taking readings and starting uploads, lets uploads in flight finish (bounded by the
   * grace period, then cuts them off), and counts what is left in buffers as discarded.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.state = 'stopping';
      clearTimeout(this.timer);
      this.stopController.abort();
      const grace = this.deps.stopGraceMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const settled = await Promise.race([
        Promise.allSettled([...this.uploads]).then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), grace);
        }),
      ]);
      clearTimeout(timer);
      if (!settled) {
        this.abortController.abort();
        await Promise.allSettled([...this.uploads]);
      }
      for (const agent of this.agents) this.counters.discarded += agent.discard();
      this.state = this.failure === null ? 'stopped' : 'failed';
      this.stoppedAt = this.now();
      this.deps.logger.info(
        { ...this.counters.snapshot(), rejections: undefined },
        'generator run stopped',
      );
    })();
    return this.stopping;
  }

  get running() {
    return this.state === 'running';
  }

  status(): RunStatus {
    return {
      state: this.state,
      started_at: new Date(this.startedAt).toISOString(),
      stopped_at: this.stoppedAt === null ? null : new Date(this.stoppedAt).toISOString(),
      options: this.options,
      buffered: this.agents.reduce((sum, agent) => sum + agent.buffered, 0),
      ...this.counters.snapshot(),
      last_error: this.failure ?? this.counters.lastError,
    };
  }
}
