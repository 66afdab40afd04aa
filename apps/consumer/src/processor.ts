import { decodeMessage, HEADERS } from '@weather/core/kafka-message';
import type { Logger } from '@weather/core/logger';
import { readingKey } from '@weather/core/reading';
import { parseTraceparent, type TraceContext, withTrace } from '@weather/core/trace';
import type { StoredReading } from '@weather/db';
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
 * backoff while the database is down), and only then remember their keys. The caller commits
 * the chunk's offsets after this resolves; if it throws, nothing of the chunk counts as done.
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
  let memoryDuplicates = 0;

  for (const message of messages) {
    const decoded = decodeMessage(message.value);
    const trace = parseTraceparent(header(message, HEADERS.traceparent));
    if (!decoded.ok) {
      letters.push({ message, error: decoded.error, trace });
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
      // The decoded reading is ours alone: it becomes the row (no copy per reading).
      const row = reading as StoredReading;
      row.received_at = receivedAt;
      rows.push(row);
    }
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

  const { inserted } =
    rows.length > 0 ? await storeWithRetry(rows, deps, control) : { inserted: 0 };
  seen.addAll(batchKeys);

  stats.messages += messages.length;
  stats.batches++;
  stats.deadLettered += letters.length;
  stats.duplicatesMemory += memoryDuplicates;
  stats.duplicatesDatabase += rows.length - inserted;
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
      duplicates_database: rows.length - inserted,
      dead_lettered: letters.length,
    },
    'batch committed',
  );

  if (inserted > 0) {
    void deps.notify(summarise(rows));
    deps.noteStored?.(rows.map((r) => r.timestamp));
  }
}

async function storeWithRetry(rows: StoredReading[], deps: ProcessorDeps, control: ChunkControl) {
  const { initialMs, maxMs } = deps.retry ?? { initialMs: 250, maxMs: 15_000 };
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await deps.store(rows);
      if (deps.stats.databaseError) {
        deps.logger.info({ attempts: attempt + 1 }, 'database reachable again; ingestion resumed');
        deps.stats.databaseError = null;
      }
      return result;
    } catch (err) {
      deps.stats.databaseRetries++;
      deps.stats.databaseError = err instanceof Error ? err.message : String(err);
      const waitMs = Math.min(maxMs, initialMs * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      deps.logger.warn(
        { err, attempt: attempt + 1, retry_in_ms: Math.round(waitMs), rows: rows.length },
        'insert failed; holding the partition and retrying (offsets stay uncommitted)',
      );
      await waitWithHeartbeat(waitMs, control);
    }
  }
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
