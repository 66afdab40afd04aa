import { decodeMessage, encodeMessage, HEADERS } from '@weather/contracts/kafka-message';
import type { Logger } from '@weather/core/logger';
import { readingKey, withDerived } from '@weather/core/reading';
import { parseTraceparent, type TraceContext, withTrace } from '@weather/core/trace';
import { classifyDatabaseError, type DatabaseErrorInfo, type StoredReading } from '@weather/db';
import type { StoredBatch } from './live';
import type { SeenKeys } from './seen-keys';
import type { ConsumerStats } from './stats';

export interface InboundMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export interface DeadLetter {
  message: InboundMessage;
  error: string;
}

export interface ProcessorDeps {
  /** Inserts rows in one transaction; returns how many were new. */
  store: (rows: StoredReading[]) => Promise<{ inserted: number }>;
  /** Publishes to the dead-letter topic; resolves once acknowledged. */
  deadLetter: (letters: DeadLetter[]) => Promise<void>;
  /** After-commit side effects (cache invalidation, live updates); must not throw. */
  notify: (batch: StoredBatch) => Promise<void>;
  /** Timestamps of committed readings, for rollups of late data. */
  noteStored?: (timestamps: Iterable<string>) => void;
  seen: SeenKeys;
  stats: ConsumerStats;
  logger: Logger;
  /** Backoff between failed inserts: first and longest wait. */
  retry?: { initialMs: number; maxMs: number };
}

export interface ChunkControl {
  /** Keeps group membership alive during long waits; throws when a rebalance took the partition. */
  heartbeat: () => Promise<void>;
  /** True when the consumer is stopping or the partition was re-assigned: give up the chunk. */
  shouldStop: () => boolean;
}

export class ChunkAbandoned extends Error {
  constructor() {
    super('chunk abandoned: consumer stopping or partition reassigned; offsets stay uncommitted');
  }
}

const header = (message: InboundMessage, name: string) => {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};

/**
 * Handles one chunk of a partition's messages: decode and validate (bad → dead-letter topic),
 * drop readings already known to be stored, insert the rest in one statement (retrying with
 * backoff while the database is unavailable), and only then remember their keys. Readings the
 * database refuses for their content are isolated by splitting the rows and dead-lettered one
 * by one; the rest is stored. The caller commits the chunk's offsets after this resolves; if it
 * throws, nothing of the chunk counts as done.
 */
export async function processChunk(
  messages: InboundMessage[],
  deps: ProcessorDeps,
  control: ChunkControl,
): Promise<void> {
  const { stats, seen, logger } = deps;
  const letters: (DeadLetter & { trace: TraceContext | undefined })[] = [];
  const rows: StoredReading[] = [];
  const traces = new Map<
    string,
    { trace: TraceContext; stations: Set<string>; readings: number }
  >();
  const batchKeys = new Set<string>();
  // rows.length after each message, so a refused row can be traced to its record: one number
  // per message rather than one per row.
  const ends: number[] = [];
  let memoryDuplicates = 0;

  for (const message of messages) {
    const decoded = decodeMessage(message.value);
    const trace = parseTraceparent(header(message, HEADERS.traceparent));
    if (!decoded.ok) {
      letters.push({ message, error: decoded.error, trace });
      ends.push(rows.length);
      continue;
    }
    stats.received += decoded.readings.length;
    const receivedAt = decoded.receivedAt.toISOString();
    for (const reading of decoded.readings) {
      const key = readingKey(reading);
      if (seen.has(key) || batchKeys.has(key)) {
        memoryDuplicates++;
        continue;
      }
      batchKeys.add(key);
      // The decoded reading is ours alone: it becomes the row (no copy per reading unless a
      // value is derived, SPEC §14: Kafka carries what the station sent, the row what we know).
      const row = withDerived(reading) as StoredReading;
      row.received_at = receivedAt;
      rows.push(row);
    }
    ends.push(rows.length);
    if (trace) {
      const entry = traces.get(trace.traceId) ?? { trace, stations: new Set(), readings: 0 };
      for (const reading of decoded.readings) entry.stations.add(reading.station_id);
      entry.readings += decoded.readings.length;
      traces.set(trace.traceId, entry);
    }
  }

  if (letters.length > 0) {
    await deps.deadLetter(letters);
    for (const { message, error, trace } of letters) {
      const log = () =>
        logger.warn(
          { partition: message.partition, offset: message.offset, error },
          'dead-lettered a record that failed decoding or validation',
        );
      if (trace) withTrace(trace, log);
      else log();
    }
  }

  const refusals: Refusal[] = [];
  const inserted =
    rows.length > 0 ? await storeIsolating(rows, 0, rows.length, deps, control, refusals) : 0;
  let stored = rows;
  if (refusals.length > 0) {
    await deadLetterRefused(messages, ends, rows, refusals, deps);
    const refused = new Set(refusals.map((r) => r.index));
    // Not stored, so never remembered as stored: a replay of the dead letter must reach the database.
    for (const index of refused) batchKeys.delete(readingKey(rows[index] as StoredReading));
    stored = rows.filter((_, index) => !refused.has(index));
  }
  seen.addAll(batchKeys);

  stats.messages += messages.length;
  stats.batches++;
  stats.deadLettered += letters.length + refusals.length;
  stats.deadLetteredDatabase += refusals.length;
  stats.duplicatesMemory += memoryDuplicates;
  stats.duplicatesDatabase += stored.length - inserted;
  stats.recordInserted(inserted);

  for (const { trace, stations, readings } of traces.values()) {
    withTrace(trace, () =>
      logger.info(
        // A gateway's request can span thousands of stations; the log names the first few.
        { stations: [...stations].slice(0, 20), station_count: stations.size, readings },
        'stored (or already stored)',
      ),
    );
  }
  logger.debug(
    {
      messages: messages.length,
      readings: rows.length + memoryDuplicates,
      inserted,
      duplicates_memory: memoryDuplicates,
      duplicates_database: stored.length - inserted,
      dead_lettered: letters.length + refusals.length,
      refused_by_database: refusals.length,
    },
    'batch committed',
  );

  if (inserted > 0) {
    void deps.notify(summarise(stored));
    deps.noteStored?.(stored.map((r) => r.timestamp));
  }
}

interface Refusal {
  /** The refused row's index in the chunk's rows. */
  index: number;
  error: DatabaseErrorInfo;
}

/**
 * Stores rows[lo, hi). When the database refuses them for their content, splits the range in
 * halves and stores each, down to single rows — the refused ones. Every statement is atomic, so
 * a row ends up stored or refused, never both; a bad row costs about 2·log2(n) statements. The
 * common case is one statement on the chunk's own array.
 */
async function storeIsolating(
  rows: StoredReading[],
  lo: number,
  hi: number,
  deps: ProcessorDeps,
  control: ChunkControl,
  refusals: Refusal[],
): Promise<number> {
  const part = lo === 0 && hi === rows.length ? rows : rows.slice(lo, hi);
  const outcome = await storeWithRetry(part, deps, control);
  if (outcome.ok) return outcome.inserted;
  if (hi - lo === 1) {
    refusals.push({ index: lo, error: outcome.error });
    return 0;
  }
  const mid = lo + Math.floor((hi - lo) / 2);
  const left = await storeIsolating(rows, lo, mid, deps, control, refusals);
  if (control.shouldStop()) throw new ChunkAbandoned();
  await control.heartbeat();
  return left + (await storeIsolating(rows, mid, hi, deps, control, refusals));
}

/**
 * Inserts `rows`, holding on and retrying with backoff while the failure is not the rows' fault
 * (see `classifyDatabaseError`); resolves with the database's reason when it refuses them.
 */
async function storeWithRetry(
  rows: StoredReading[],
  deps: ProcessorDeps,
  control: ChunkControl,
): Promise<{ ok: true; inserted: number } | { ok: false; error: DatabaseErrorInfo }> {
  const { initialMs, maxMs } = deps.retry ?? { initialMs: 250, maxMs: 15_000 };
  for (let attempt = 0; ; attempt++) {
    let error: DatabaseErrorInfo;
    try {
      const { inserted } = await deps.store(rows);
      resumed(deps, attempt);
      return { ok: true, inserted };
    } catch (err) {
      error = classifyDatabaseError(err);
    }
    // The database answered, so it is reachable: a refusal is no outage.
    if (error.kind === 'content') {
      resumed(deps, attempt);
      return { ok: false, error };
    }
    deps.stats.databaseRetries++;
    deps.stats.databaseError = error.message;
    const waitMs = Math.min(maxMs, initialMs * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    deps.logger.warn(
      // The driver's error carries the whole statement and its parameters: only its gist is logged.
      {
        error: error.message,
        code: error.code,
        attempt: attempt + 1,
        retry_in_ms: Math.round(waitMs),
        rows: rows.length,
      },
      'insert failed; holding the partition and retrying (offsets stay uncommitted)',
    );
    await waitWithHeartbeat(waitMs, control);
  }
}

function resumed(deps: ProcessorDeps, attempt: number) {
  if (!deps.stats.databaseError) return;
  deps.logger.info({ attempts: attempt + 1 }, 'database reachable again; ingestion resumed');
  deps.stats.databaseError = null;
}

/**
 * Each refused reading becomes a dead letter of its own: a current-version record holding that
 * one reading (replayable as is), with the origin and headers of the record it came in.
 */
async function deadLetterRefused(
  messages: InboundMessage[],
  ends: number[],
  rows: StoredReading[],
  refusals: Refusal[],
  deps: ProcessorDeps,
) {
  const letters = refusals.map(({ index, error }): DeadLetter => {
    const origin = messages[originOf(ends, index)] as InboundMessage;
    const { received_at, ...reading } = rows[index] as StoredReading;
    return {
      message: {
        ...origin,
        key: Buffer.from(reading.station_id),
        value: encodeMessage(new Date(received_at), [reading]),
      },
      error: `database refused the reading: ${error.message}`,
    };
  });
  await deps.deadLetter(letters);
  const first = refusals[0] as Refusal;
  deps.logger.warn(
    {
      error: first.error.message,
      code: first.error.code,
      partition: messages[0]?.partition,
      refused: refusals.length,
      // Identities of the first few only; the readings themselves stay out of the log.
      stations: [...new Set(refusals.map((r) => rows[r.index]?.station_id))].slice(0, 20),
      offsets: [...new Set(letters.map((l) => l.message.offset))].slice(0, 20),
    },
    'the database refused readings for their content; dead-lettered them and stored the rest',
  );
}

/** Index of the message a row came from: the first whose end lies past the row. */
function originOf(ends: number[], row: number) {
  let lo = 0;
  let hi = ends.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ends[mid] as number) > row) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Sleeps in short steps, heartbeating so the group keeps the partition with us. */
async function waitWithHeartbeat(ms: number, control: ChunkControl) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (control.shouldStop()) throw new ChunkAbandoned();
    await control.heartbeat();
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, until - Date.now())));
  }
  if (control.shouldStop()) throw new ChunkAbandoned();
}

function summarise(rows: StoredReading[]): StoredBatch {
  const stations: StoredBatch['stations'] = new Map();
  for (const row of rows) {
    const entry = stations.get(row.station_id);
    if (!entry) {
      stations.set(row.station_id, { readings: 1, newest: row, receivedAt: row.received_at });
      continue;
    }
    entry.readings++;
    if (row.timestamp > entry.newest.timestamp) {
      entry.newest = row;
      entry.receivedAt = row.received_at;
    }
  }
  return { stations };
}
