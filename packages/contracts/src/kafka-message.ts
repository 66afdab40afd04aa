import {
  describeIssues,
  type Reading,
  readingExtrasSchema,
  readingParser,
  stationIdSchema,
} from '@weather/core/reading';
import { z } from 'zod';

/** Default topic names; the deployed names come from configuration. */
export const DEFAULT_TOPIC = 'weather.readings';
export const deadLetterTopic = (topic: string) => `${topic}.dlq`;

/** Header names on Kafka records. */
export const HEADERS = {
  traceparent: 'traceparent',
  source: 'source',
  dlqError: 'dlq.error',
  dlqTopic: 'dlq.original.topic',
  dlqPartition: 'dlq.original.partition',
  dlqOffset: 'dlq.original.offset',
} as const;

export const MESSAGE_VERSION = 3;

/**
 * One Kafka record: the readings of one request that belong to one partition (every station in
 * it hashes to the record's partition, so each station's readings keep their order), versioned.
 * Version 3 readings may carry ingest's extras (`qc` flags, the `raw` upload of a station
 * protocol); a version 2 consumer would drop them silently, so it dead-letters version 3
 * instead. Versions 1 (one station per record, its id in the envelope) and 2 still decode.
 */
export interface ReadingsMessage {
  v: typeof MESSAGE_VERSION;
  received_at: string;
  readings: Reading[];
}

export function encodeMessage(receivedAt: Date, readings: readonly Reading[]): Buffer {
  const message: ReadingsMessage = {
    v: MESSAGE_VERSION,
    received_at: receivedAt.toISOString(),
    readings: readings as Reading[],
  };
  return Buffer.from(JSON.stringify(message));
}

const envelopeSchema = z.object({
  v: z.union([z.literal(1), z.literal(2), z.literal(3)], {
    error: `unsupported message version (expected 1 to ${MESSAGE_VERSION})`,
  }),
  // Version 1 only: the one station of the record.
  station_id: stationIdSchema.optional(),
  received_at: z.iso.datetime({ offset: true }),
  // Each reading is validated below, on its own.
  readings: z.array(z.unknown()).min(1),
});

/** The 5-minute future limit on the wire is checked against the record's `received_at`. */
const wireClock = { now: 0 };
const wireReading = readingParser(() => wireClock.now);

export type Decoded =
  | { ok: true; receivedAt: Date; readings: Reading[] }
  | { ok: false; error: string };

/**
 * Decodes and re-validates a record (the consumer trusts nothing on the wire). The 5-minute
 * future limit is checked against `received_at`, when the collector accepted the readings.
 */
export function decodeMessage(value: Buffer | null): Decoded {
  if (!value || value.length === 0) return { ok: false, error: 'empty record' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return { ok: false, error: `not JSON: ${(error as Error).message}` };
  }
  const envelope = envelopeSchema.safeParse(parsed);
  if (!envelope.success) {
    return { ok: false, error: `bad envelope: ${formatIssues(envelope.error)}` };
  }
  const { v, station_id, received_at, readings } = envelope.data;
  if (v === 1 && station_id === undefined) {
    return { ok: false, error: 'bad envelope: station_id is required in version 1' };
  }
  const receivedAt = new Date(received_at);
  // One schema for every record (building one per record costs more than the parse itself);
  // parsing is synchronous, so the clock it checks against is this record's received_at.
  wireClock.now = receivedAt.getTime();
  const out: Reading[] = [];
  for (const [index, raw] of readings.entries()) {
    const result = wireReading(v === 1 ? { ...(raw as object), station_id } : raw);
    if (!result.success) {
      return { ok: false, error: `reading ${index}: ${formatIssues(result.error)}` };
    }
    const { qc, raw: upload } = raw as { qc?: unknown; raw?: unknown };
    if (v === 3 && (qc !== undefined || upload !== undefined)) {
      const extras = readingExtrasSchema.safeParse({ qc, raw: upload });
      if (!extras.success) {
        return { ok: false, error: `reading ${index}: ${formatIssues(extras.error)}` };
      }
      const reading: Reading = result.data;
      if (extras.data.qc) reading.qc = extras.data.qc;
      if (extras.data.raw) reading.raw = extras.data.raw;
    }
    out.push(result.data);
  }
  return { ok: true, receivedAt, readings: out };
}

const formatIssues = (error: z.ZodError) =>
  describeIssues(error)
    .map((i) => `${i.path} ${i.message}`)
    .join('; ');
