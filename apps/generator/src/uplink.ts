import type { Logger } from '@weather/core/logger';
import type { Protocol } from '@weather/core/reading';
import { childTrace, formatTraceparent, withTrace } from '@weather/core/trace';
import type { Counters } from './counters';
import { firmwareRequest } from './firmware';
import type { KeyLedger } from './ledger';
import type { Rng } from './model/prng';

/** One record a station sends, with what the generator needs to account for it. */
export interface Outgoing {
  record: Record<string, unknown>;
  /** A deliberate copy of an earlier reading. */
  duplicate: boolean;
  /** Meant to pass validation (not an injected invalid reading). */
  valid: boolean;
  /** The reading's timestamp in ms (valid records only). */
  timestampMs?: number;
  sentOnce?: boolean;
  /** A firmware upload (SPEC §13): its protocol and weather fields; `record` stays the SI reading. */
  firmware?: { protocol: Protocol; fields: [string, string][]; quirks: boolean };
}

/** Per-record reasons of a batch failure that say the token may not write the station. */
const STATION_REFUSALS = new Set(['forbidden_station', 'station_disabled']);

/**
 * The collector refused the ingest credential (SPEC §12): not transient like a 503, so it is
 * retried only over a short grace period, then the run or the station stops.
 */
export interface Refusal {
  status: 401 | 403;
  /** The collector's kind: missing_token, unknown_token, forbidden_station, station_disabled, … */
  error: string;
  /** The collector's message, shortened. */
  message: string;
  /** `token`: nothing sent with this token is taken; `station`: only `stations` are refused. */
  scope: 'token' | 'station';
  stations: string[];
}

export type PostOutcome =
  /** The collector answered for every record: those listed in `rejected` were refused. */
  | {
      kind: 'answered';
      status: number;
      rejected: Map<number, string[]>;
      wholeRequest: boolean;
      refusal?: Refusal;
    }
  /** 503/429: nothing was accepted; try again after `retryAfterMs`. */
  | { kind: 'unavailable'; status: number; retryAfterMs: number; message: string }
  /** No usable answer. `maybeDelivered`: the request may have reached the collector. */
  | { kind: 'failed'; message: string; maybeDelivered: boolean }
  | { kind: 'aborted' };

/** Accepts `http://host:port`, `…/weather-data` and `…/weather-data/batch` (the seed's style). */
export const collectorBase = (url: string) =>
  url.replace(/\/+$/, '').replace(/\/weather-data(\/batch)?$/, '');

const REQUEST_TIMEOUT_MS = 30_000;
const MAX_RETRY_AFTER_MS = 60_000;

function retryAfterMs(header: string | null): number {
  if (!header) return 1000;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(100, Number.isFinite(ms) ? ms : 1000));
}

/** The collector's words in a status line: a string, kept short. */
const said = (value: unknown, fallback: string) =>
  (typeof value === 'string' && value !== '' ? value : fallback).slice(0, 200);

type Issue = { path?: unknown; message?: unknown };
const describe = (errors: unknown): string[] =>
  Array.isArray(errors)
    ? errors.map(
        (e: Issue) => `${String(e.path ?? '(reading)')}: ${String(e.message ?? 'invalid')}`,
      )
    : [];

/** A request that got no answer: stopped, or failed, and whether it may have been delivered. */
function requestFailed(error: unknown, signal: AbortSignal, what: string): PostOutcome {
  if (signal.aborted) return { kind: 'aborted' };
  const err = error as Error & { cause?: { code?: string; message?: string } };
  const code = err.cause?.code;
  // Refused or unresolvable: the request never reached the collector.
  const unreached = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  return {
    kind: 'failed',
    message: `${what}: ${err.cause?.message ?? err.message}`,
    maybeDelivered: !unreached,
  };
}

/** POSTs records to the collector (one reading, or a batch) and classifies the answer. */
export async function postRecords(
  baseUrl: string,
  records: readonly Record<string, unknown>[],
  single: boolean,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<PostOutcome> {
  const url = `${baseUrl}/weather-data${single ? '' : '/batch'}`;
  let res: Response;
  let body: unknown;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(single ? records[0] : { records }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      // A redirect could lead outside GENERATOR_ALLOWED_TARGETS; it counts as a refusal instead.
      redirect: 'manual',
    });
    const text = await res.text();
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  } catch (error) {
    return requestFailed(error, signal, url);
  }

  const payload = (body ?? {}) as {
    error?: unknown;
    message?: unknown;
    details?: unknown;
    failures?: unknown;
  };
  if (res.status === 503 || res.status === 429) {
    return {
      kind: 'unavailable',
      status: res.status,
      retryAfterMs: retryAfterMs(res.headers.get('retry-after')),
      message: `HTTP ${res.status} from ${url}: ${String(payload.message ?? res.statusText)}`,
    };
  }
  if (res.status >= 500) {
    return {
      kind: 'failed',
      message: `HTTP ${res.status} from ${url}: ${String(payload.message ?? res.statusText)}`,
      maybeDelivered: true,
    };
  }
  const rejected = new Map<number, string[]>();
  if (
    !single &&
    Array.isArray(payload.failures) &&
    (res.ok || res.status === 422 || res.status === 403)
  ) {
    let refusal: Refusal | undefined;
    for (const failure of payload.failures as BatchFailure[]) {
      if (typeof failure.index !== 'number') continue;
      rejected.set(failure.index, describe(failure.errors));
      if (typeof failure.reason !== 'string' || !STATION_REFUSALS.has(failure.reason)) continue;
      const first = Array.isArray(failure.errors) ? (failure.errors[0] as Issue) : undefined;
      refusal ??= {
        status: 403,
        error: failure.reason,
        message: said(first?.message, 'refused'),
        scope: 'station',
        stations: [],
      };
      const station = failure.station_id ?? records[failure.index]?.station_id;
      if (typeof station === 'string' && !refusal.stations.includes(station)) {
        refusal.stations.push(station);
      }
    }
    return { kind: 'answered', status: res.status, rejected, wholeRequest: false, refusal };
  }
  if (res.ok) return { kind: 'answered', status: res.status, rejected, wholeRequest: false };
  let refusal: Refusal | undefined;
  if (res.status === 401 || res.status === 403) {
    const station = records[0]?.station_id;
    // A single reading's 403 is about its station; anything else refuses the token itself.
    const scope = res.status === 403 && single ? 'station' : 'token';
    refusal = {
      status: res.status,
      error: said(payload.error, res.status === 401 ? 'unauthorized' : 'forbidden'),
      message: said(payload.message, res.statusText),
      scope,
      stations: scope === 'station' && typeof station === 'string' ? [station] : [],
    };
  }
  // A 4xx for the request as a whole: every record refused for the same reason(s).
  const reasons =
    single && res.status === 422 && Array.isArray(payload.details)
      ? describe(payload.details)
      : [
          `HTTP ${res.status} ${String(payload.error ?? '')}: ${String(payload.message ?? res.statusText)}`,
        ];
  records.forEach((_, index) => {
    rejected.set(index, reasons);
  });
  return {
    kind: 'answered',
    status: res.status,
    rejected,
    wholeRequest: !(single && res.status === 422),
    refusal,
  };
}

type BatchFailure = { index?: unknown; errors?: unknown; reason?: unknown; station_id?: unknown };

/**
 * Sends one firmware upload and classifies the answer as `postRecords` does. Firmware replies
 * are text (`success`, `OK`, ecowitt.net's JSON): the status says it all, the body is the reason.
 */
export async function postFirmware(
  baseUrl: string,
  item: Outgoing & { firmware: NonNullable<Outgoing['firmware']> },
  signal: AbortSignal,
  token: string | undefined,
  rng: Rng,
): Promise<PostOutcome> {
  const { protocol, fields, quirks } = item.firmware;
  const request = firmwareRequest(
    protocol,
    fields,
    {
      id: String(item.record.station_id),
      token,
      timestampMs: item.timestampMs ?? Date.parse(String(item.record.timestamp)),
    },
    quirks ? rng : undefined,
  );
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${baseUrl}${request.path}`, {
      method: request.method,
      ...(request.body === undefined
        ? {}
        : {
            body: request.body,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      redirect: 'manual',
    });
    text = (await res.text()).trim().slice(0, 200);
  } catch (error) {
    // The URL carries the token: name the protocol, not the URL.
    return requestFailed(error, signal, `${protocol} upload to ${baseUrl}`);
  }
  const message = `HTTP ${res.status} from the ${protocol} endpoint: ${text || res.statusText}`;
  if (res.status === 503 || res.status === 429) {
    return {
      kind: 'unavailable',
      status: res.status,
      retryAfterMs: retryAfterMs(res.headers.get('retry-after')),
      message,
    };
  }
  if (res.status >= 500) return { kind: 'failed', message, maybeDelivered: true };
  const rejected = new Map<number, string[]>();
  if (res.ok) return { kind: 'answered', status: res.status, rejected, wholeRequest: false };
  rejected.set(0, [message]);
  const refusal: Refusal | undefined =
    res.status === 401 || res.status === 403
      ? {
          status: res.status,
          error: res.status === 401 ? 'unauthorized' : 'forbidden',
          message: said(text, res.statusText),
          scope: res.status === 403 ? 'station' : 'token',
          stations: res.status === 403 ? [String(item.record.station_id)] : [],
        }
      : undefined;
  return { kind: 'answered', status: res.status, rejected, wholeRequest: true, refusal };
}

/** Caps requests in flight across all stations of a run. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  /** Resolves false when `signal` fires first. */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.active < this.capacity) {
      this.active++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = () => {
        signal.removeEventListener('abort', cancel);
        this.active++;
        resolve(true);
      };
      const cancel = () => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(false);
      };
      this.waiting.push(grant);
      signal.addEventListener('abort', cancel, { once: true });
    });
  }

  release() {
    this.active--;
    this.waiting.shift()?.();
  }
}

/** Waits `ms`; resolves false when `signal` fires first. */
export function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', cancel);
      resolve(true);
    }, ms);
    const cancel = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', cancel, { once: true });
  });
}

export type DeliveryResult =
  /**
   * The collector answered; `wholeRequest`: it refused the request itself (wrong URL, 413, …);
   * `refusal`: it refused the ingest token or a station, past the grace period.
   */
  | {
      kind: 'answered';
      wholeRequest: boolean;
      lastReason?: string;
      refusal?: Refusal & { summary: string };
    }
  /** Stopped or gave up before an answer; the records are counted as discarded or unknown. */
  | { kind: 'unsent' };

export interface UplinkDeps {
  collectorUrl: string;
  counters: Counters;
  ledger: KeyLedger;
  limiter: Limiter;
  /** Fires at stop: no new attempts, waits end. */
  stop: AbortSignal;
  /** Fires when requests in flight must be cut off. */
  abort: AbortSignal;
  rng: Rng;
  logger: Logger;
  /** Sent as `Authorization: Bearer` on every request; none when the collector needs none. */
  token?: string;
  /** Where `token` came from, for the hint in a refusal's message. */
  tokenSource: TokenSource;
  /** Attempts before giving up (a live station never gives up). */
  maxAttempts?: number;
  /** Waits before re-sending after a 401/403; default REFUSAL_RETRY_DELAYS_MS. */
  refusalRetryDelaysMs?: readonly number[];
}

export type TokenSource = 'option' | 'env' | 'none';

const BACKOFF_START_MS = 250;
const BACKOFF_MAX_MS = 30_000;
/**
 * A new token, or a station just registered or enabled, reaches every collector within 5 s
 * (SPEC §12); so a refusal is re-sent over about 7 s before it counts.
 */
export const REFUSAL_RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 4000];

const TOKENS: Record<TokenSource, string> = {
  none: 'the upload: no ingest token was sent',
  env: 'the ingest token from GENERATOR_INGEST_TOKEN',
  option: 'the ingest token passed as `token`',
};
const FIXES: Record<TokenSource, string> = {
  none: 'set GENERATOR_INGEST_TOKEN or pass token',
  env: 'set GENERATOR_INGEST_TOKEN or pass token',
  option: 'pass a valid token, or none to use GENERATOR_INGEST_TOKEN',
};

/** What /status says about a refusal: what was refused, the collector's words, what to do. */
export function describeRefusal(refusal: Refusal, source: TokenSource): string {
  const answer = `(${refusal.status} ${refusal.error}: ${refusal.message})`;
  if (refusal.scope === 'token') {
    return `the collector refused ${TOKENS[source]} ${answer}; ${FIXES[source]}`;
  }
  const { stations } = refusal;
  const named =
    stations.length === 0
      ? 'a station'
      : `station${stations.length > 1 ? 's' : ''} ${stations.slice(0, 3).join(', ')}` +
        (stations.length > 3 ? ` and ${stations.length - 3} more` : '');
  const token = source === 'none' ? 'without an ingest token' : `for ${TOKENS[source]}`;
  return (
    `the collector refused ${named} ${token} ${answer}; use a gateway token with auto-register ` +
    '(npm start gives the simulator one), or register and enable the station under its gateway'
  );
}

/**
 * Sends records as a station does: on 503 it waits for Retry-After, on a network error it backs
 * off exponentially (with jitter), and it keeps the records until the collector answers. A
 * 401/403 is re-sent over a short grace period only, then answered with the refusal. Every
 * outcome is counted, and each acknowledged key is checked against the ledger.
 */
export class Uplink {
  private readonly baseUrl: string;
  /** Set while uploads fail, so the log says so once per outage rather than per request. */
  private failing = false;

  constructor(private readonly deps: UplinkDeps) {
    this.baseUrl = collectorBase(deps.collectorUrl);
  }

  async deliver(items: readonly Outgoing[], single: boolean): Promise<DeliveryResult> {
    const { counters, limiter, stop, abort, rng } = this.deps;
    const maxAttempts = this.deps.maxAttempts ?? Number.POSITIVE_INFINITY;
    const n = items.length;
    // Each upload is a trace of its own, as a real station's request would be; the collector
    // and the consumer log under it.
    const trace = childTrace();
    const headers: Record<string, string> = { traceparent: formatTraceparent(trace) };
    if (this.deps.token) headers.authorization = `Bearer ${this.deps.token}`;
    const graceDelays = this.deps.refusalRetryDelaysMs ?? REFUSAL_RETRY_DELAYS_MS;
    let refusals = 0;
    let maybeDelivered = false;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (stop.aborted || !(await limiter.acquire(stop))) break;
      counters.sent += n;
      counters.requests.total++;
      if (attempt > 0) counters.retried += n;
      for (const item of items) {
        if (item.sentOnce) continue;
        item.sentOnce = true;
        if (item.duplicate) counters.duplicatesSent++;
      }
      counters.inFlight += n;
      let outcome: PostOutcome;
      const first = items[0];
      try {
        outcome = first?.firmware
          ? await postFirmware(
              this.baseUrl,
              first as Outgoing & { firmware: NonNullable<Outgoing['firmware']> },
              abort,
              this.deps.token,
              rng,
            )
          : await postRecords(
              this.baseUrl,
              items.map((i) => i.record),
              single,
              abort,
              headers,
            );
      } finally {
        counters.inFlight -= n;
        limiter.release();
      }

      if (outcome.kind === 'answered') {
        if (this.failing) {
          this.failing = false;
          withTrace(trace, () =>
            this.deps.logger.info({ collector: this.baseUrl }, 'collector answering again'),
          );
        }
        const refusal = outcome.refusal && {
          ...outcome.refusal,
          summary: describeRefusal(outcome.refusal, this.deps.tokenSource),
        };
        // Re-sent only when nothing was taken, so a retry never duplicates accepted records.
        const delay = outcome.status >= 400 ? graceDelays[refusals] : undefined;
        if (refusal && delay !== undefined && attempt + 1 < maxAttempts) {
          refusals++;
          counters.requests.rejected++;
          counters.lastError = refusal.summary;
          withTrace(trace, () =>
            this.deps.logger.debug(
              { attempt, waitMs: delay, records: n, status: refusal.status, error: refusal.error },
              'upload refused; re-sending once the collector may know the token',
            ),
          );
          if (!(await pause(delay, stop))) {
            counters.discarded += n;
            return { kind: 'unsent' };
          }
          continue;
        }
        this.account(items, outcome);
        if (refusal) counters.lastError = refusal.summary;
        const reason = outcome.wholeRequest ? outcome.rejected.get(0)?.[0] : undefined;
        return {
          kind: 'answered',
          wholeRequest: outcome.wholeRequest,
          lastReason: reason,
          refusal,
        };
      }
      if (outcome.kind === 'aborted') {
        counters.unknownOutcome += n;
        return { kind: 'unsent' };
      }
      counters.lastError = outcome.message;
      if (!this.failing) {
        this.failing = true;
        withTrace(trace, () =>
          this.deps.logger.warn(
            { collector: this.baseUrl, error: outcome.message },
            'collector not taking uploads; stations keep their readings and retry',
          ),
        );
      }
      let waitMs: number;
      if (outcome.kind === 'unavailable') {
        counters.requests.unavailable++;
        waitMs = outcome.retryAfterMs;
        maybeDelivered = false;
      } else {
        counters.requests.failed++;
        waitMs = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** attempt) * (0.5 + rng.next() / 2);
        maybeDelivered = outcome.maybeDelivered;
      }
      withTrace(trace, () =>
        this.deps.logger.debug(
          { attempt, waitMs, records: n, error: outcome.message },
          'upload failed; retrying',
        ),
      );
      if (attempt + 1 < maxAttempts && !(await pause(waitMs, stop))) break;
    }
    // Never answered: if the last attempt may have reached the collector, its fate is unknown.
    if (maybeDelivered) counters.unknownOutcome += n;
    else counters.discarded += n;
    return { kind: 'unsent' };
  }

  private account(items: readonly Outgoing[], outcome: Extract<PostOutcome, { kind: 'answered' }>) {
    const { counters, ledger } = this.deps;
    if (outcome.status < 300) counters.requests.accepted++;
    else counters.requests.rejected++;
    let accepted = 0;
    items.forEach((item, index) => {
      const reasons = outcome.rejected.get(index);
      if (reasons) {
        counters.reject(reasons);
        return;
      }
      accepted++;
      const stationId = item.record.station_id;
      const timestamp = Date.parse(String(item.record.timestamp));
      if (
        typeof stationId === 'string' &&
        Number.isFinite(timestamp) &&
        !ledger.accept(stationId, timestamp)
      ) {
        counters.duplicatesAccepted++;
      } else {
        counters.uniqueAccepted++;
      }
    });
    counters.accepted += accepted;
    counters.rate.add(accepted);
  }
}
