import {
  MAX_BATCH_RECORDS,
  type RunOptions,
  type UploadProtocol,
} from '@weather/contracts/generator';
import type { Counters } from './counters';
import { clockSkewMs, DuplicateCredit, INVALID_KINDS, makeInvalid, reading } from './faults';
import { DailyRainCounter, firmwareFields } from './firmware';
import { createRng, type Rng } from './model/prng';
import type { StationProfile } from './model/stations';
import { StationWeather } from './model/weather';
import type { Outgoing, Refusal, Uplink } from './uplink';

/** Sent valid readings a station remembers, to re-send as duplicates in later batches. */
const HISTORY = 32;

export interface AgentContext {
  options: RunOptions;
  counters: Counters;
  uplink: Uplink;
  /** True once the run is stopping: no more uploads start. */
  stopping: () => boolean;
  /** Registers an upload so that stop can wait for it. */
  track: (upload: Promise<void>) => void;
  /** The collector refused this station's upload for good (401 or 403 past the grace period). */
  refused: (agent: StationAgent, refusal: Refusal & { summary: string }) => void;
}

/**
 * One simulated station: it measures on every tick, keeps what it has not uploaded in a bounded
 * buffer, uploads one request at a time, and misbehaves as the fault options say.
 */
export class StationAgent {
  private readonly weather: StationWeather;
  private readonly rng: Rng;
  private readonly credit: DuplicateCredit;
  private outbox: Outgoing[] = [];
  private inFlight: readonly Outgoing[] = [];
  private history: Outgoing[] = [];
  private lastTimestamp: number | undefined;
  private offlineTicks = 0;
  private holdingBack = false;
  private busy = false;
  /** Refused by the collector: it measures and sends nothing more this run. */
  private halted = false;
  /** A firmware station's rain counter; null for a JSON station. */
  private readonly rain: DailyRainCounter | null;

  constructor(
    readonly profile: StationProfile,
    private readonly ctx: AgentContext,
    /** How it uploads: the JSON API, or a firmware protocol (one reading per request). */
    readonly protocol: UploadProtocol = 'json',
  ) {
    this.rain = protocol === 'json' ? null : new DailyRainCounter();
    const { seed, duplicate_percent } = ctx.options;
    this.weather = new StationWeather(profile, seed);
    this.rng = createRng(seed, 'faults', profile.id);
    this.credit = new DuplicateCredit(duplicate_percent);
  }

  get buffered() {
    return this.outbox.length;
  }

  get stopped() {
    return this.halted;
  }

  /** Takes the readings due at `nowMs` and uploads when the station is ready to. */
  tick(nowMs: number) {
    if (this.halted) return;
    const { options, counters } = this.ctx;
    const rng = this.rng;
    // Firmware times are whole seconds.
    const step = this.rain ? 1000 : 1;
    const now = Math.floor(nowMs / step) * step;
    const timestamp =
      this.lastTimestamp === undefined ? now : Math.max(now, this.lastTimestamp + step);
    const previous = this.lastTimestamp ?? timestamp - Math.round(options.interval * 1000);
    let flush = false;
    let produced = 0;

    if (options.burst_percent > 0 && rng.chance(options.burst_percent / 100)) {
      const extra = Math.min(options.burst_size, timestamp - previous - 1);
      for (let k = 1; k <= extra; k++) {
        this.measure(previous + Math.round((k * (timestamp - previous)) / (extra + 1)));
      }
      counters.faults.bursts++;
      counters.faults.burst_readings += extra;
      produced += extra;
      flush = true;
    }
    this.measure(timestamp);
    produced++;
    this.lastTimestamp = timestamp;

    if (this.offlineTicks > 0) {
      this.offlineTicks--;
      if (this.offlineTicks > 0) {
        counters.faults.late_readings += produced;
        return;
      }
      flush = true; // back online: upload the backlog now
    } else if (options.late_upload_percent > 0 && rng.chance(options.late_upload_percent / 100)) {
      this.offlineTicks = options.offline_readings;
      counters.faults.late_uploads++;
      counters.faults.late_readings += produced;
      return;
    }
    this.upload(flush);
  }

  /** The earliest timestamp this station may still send; older acknowledged keys can be forgotten. */
  lowWaterMark(nowMs: number): number {
    const { clock_skew_percent, clock_skew_seconds } = this.ctx.options;
    const skewBack = clock_skew_percent > 0 ? clock_skew_seconds * 1000 : 0;
    let low = Math.min(nowMs, this.lastTimestamp ?? nowMs) - skewBack - 1000;
    for (const list of [this.outbox, this.inFlight, this.history]) {
      for (const item of list) {
        if (item.timestampMs !== undefined && item.timestampMs < low) low = item.timestampMs;
      }
    }
    return low;
  }

  /** Stops measuring and sending; what it still buffers is counted as discarded. */
  halt() {
    this.halted = true;
    this.ctx.counters.discarded += this.discard();
  }

  /** At stop: whatever was never uploaded. */
  discard(): number {
    const left = this.outbox.length;
    this.outbox = [];
    return left;
  }

  private measure(timestampMs: number) {
    const { options, counters } = this.ctx;
    const rng = this.rng;
    counters.generated++;
    const values = this.weather.next(timestampMs);
    let stamped = timestampMs;
    if (options.clock_skew_percent > 0 && rng.chance(options.clock_skew_percent / 100)) {
      const skew = clockSkewMs(rng, options.clock_skew_seconds);
      stamped += this.rain ? Math.round(skew / 1000) * 1000 : skew;
      counters.faults.clock_skewed++;
    }
    const valid = reading(this.profile.id, stamped, values);
    if (this.rain && this.protocol !== 'json') {
      const firmware = {
        protocol: this.protocol,
        fields: firmwareFields(this.protocol, values, this.rain.add(stamped, values.precipitation)),
        quirks: rng.chance(options.firmware_quirks_percent / 100),
      };
      this.push({ record: valid, duplicate: false, valid: true, timestampMs: stamped, firmware });
      this.duplicates();
      return;
    }
    if (options.invalid_percent > 0 && rng.chance(options.invalid_percent / 100)) {
      const kind = rng.pick(INVALID_KINDS);
      counters.invalid(kind);
      this.push({
        record: makeInvalid(valid, kind, rng, timestampMs),
        duplicate: false,
        valid: false,
      });
    } else {
      this.push({ record: valid, duplicate: false, valid: true, timestampMs: stamped });
    }
    this.duplicates();
  }

  private duplicates() {
    const { counters } = this.ctx;
    for (let copies = this.credit.next(); copies > 0; copies--) {
      const source = this.duplicateSource();
      if (!source) break;
      counters.faults.duplicates++;
      this.push({ ...source, duplicate: true, sentOnce: false });
    }
  }

  /** Half the copies repeat a reading still in the buffer (same batch), half an uploaded one. */
  private duplicateSource(): Outgoing | undefined {
    const pending = this.outbox.filter((item) => item.valid && !item.duplicate);
    const pool =
      this.history.length > 0 && (pending.length === 0 || this.rng.chance(0.5))
        ? this.history
        : pending;
    return pool.length > 0 ? this.rng.pick(pool) : undefined;
  }

  private push(item: Outgoing) {
    this.outbox.push(item);
    if (this.outbox.length > this.ctx.options.buffer_size) {
      this.outbox.shift();
      this.ctx.counters.dropped++;
    }
  }

  private upload(force: boolean) {
    const { options, counters } = this.ctx;
    if (
      this.busy ||
      this.halted ||
      this.offlineTicks > 0 ||
      this.ctx.stopping() ||
      this.outbox.length === 0
    )
      return;
    // Firmware sends one reading per request.
    const single = !options.use_batch || this.rain !== null;
    let take: Outgoing[];
    if (single) {
      if (this.holdingBack) {
        if (this.outbox.length < 2) return;
        // The held-back reading goes after the newer one.
        take = this.outbox.splice(this.outbox.length - 1, 1);
        this.holdingBack = false;
      } else if (
        options.out_of_order_percent > 0 &&
        this.rng.chance(options.out_of_order_percent / 100)
      ) {
        this.holdingBack = true;
        counters.faults.out_of_order++;
        return;
      } else {
        take = this.outbox.splice(0, 1);
      }
    } else {
      if (!force && this.outbox.length < options.batch_size) return;
      take = this.outbox.splice(0, MAX_BATCH_RECORDS);
      if (
        take.length > 1 &&
        options.out_of_order_percent > 0 &&
        this.rng.chance(options.out_of_order_percent / 100)
      ) {
        const before = take.slice();
        this.rng.shuffle(take);
        if (take.every((item, i) => item === before[i])) take.reverse();
        counters.faults.out_of_order++;
      }
    }
    this.send(take, single);
  }

  private send(take: Outgoing[], single: boolean) {
    this.busy = true;
    this.inFlight = take;
    const upload = (async () => {
      try {
        const result = await this.ctx.uplink.deliver(take, single);
        if (result.kind === 'answered' && result.refusal) {
          this.ctx.refused(this, result.refusal);
        } else if (result.kind === 'answered') {
          for (const item of take) if (item.valid && !item.duplicate) this.history.push(item);
          if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY);
        }
      } finally {
        this.inFlight = [];
        this.busy = false;
      }
      // A full buffer (or the rest of a backlog) goes out right away.
      this.upload(single);
    })();
    this.ctx.track(upload);
  }
}
