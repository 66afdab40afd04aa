import { z } from 'zod';
import { describeIssues, type Reading, readingSchema, stationIdSchema } from './reading';

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

export const MESSAGE_VERSION = 1;

/**
 * One Kafka record: readings of one station (the record key), versioned. Readings omit the
 * station id, which the envelope carries once.
 */
export interface ReadingsMessage {
  v: typeof MESSAGE_VERSION;
  station_id: string;
  received_at: string;
  readings: Omit<Reading, 'station_id'>[];
}

export function encodeMessage(
  stationId: string,
  receivedAt: Date,
  readings: readonly Reading[],
): Buffer {
  const message: ReadingsMessage = {
    v: MESSAGE_VERSION,
    station_id: stationId,
    received_at: receivedAt.toISOString(),
    readings: readings.map(({ station_id: _ignored, ...rest }) => rest),
  };
  return Buffer.from(JSON.stringify(message));
}

const envelopeSchema = z.object({
  v: z.literal(MESSAGE_VERSION, {
    error: `unsupported message version (expected ${MESSAGE_VERSION})`,
  }),
  station_id: stationIdSchema,
  received_at: z.iso.datetime({ offset: true }),
  readings: z.array(z.record(z.string(), z.unknown())).min(1),
});

export type Decoded =
  | { ok: true; stationId: string; receivedAt: Date; readings: Reading[] }
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
  const { station_id, received_at, readings } = envelope.data;
  const receivedAt = new Date(received_at);
  const schema = readingSchema(() => receivedAt.getTime());
  const out: Reading[] = [];
  for (const [index, raw] of readings.entries()) {
    const result = schema.safeParse({ ...raw, station_id });
    if (!result.success) {
      return { ok: false, error: `reading ${index}: ${formatIssues(result.error)}` };
    }
    out.push(result.data);
  }
  return { ok: true, stationId: station_id, receivedAt, readings: out };
}

const formatIssues = (error: z.ZodError) =>
  describeIssues(error)
    .map((i) => `${i.path} ${i.message}`)
    .join('; ');
