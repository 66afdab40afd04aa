import { encodeMessage, HEADERS } from '@weather/core/kafka-message';
import type { Reading } from '@weather/core/reading';
import { formatTraceparent, type TraceContext } from '@weather/core/trace';
import type { Message } from '@weather/kafka';

/** Where accepted readings go; resolves once the broker acknowledged them (acks=all). */
export interface ReadingSink {
  publish(records: Message[]): Promise<void>;
}

/**
 * Turns validated readings into Kafka records: one record per station (the key), so a station's
 * readings stay in order on one partition, carrying the request's trace context.
 */
export function toRecords(
  readings: readonly Reading[],
  receivedAt: Date,
  trace: TraceContext,
): Message[] {
  const byStation = new Map<string, Reading[]>();
  for (const reading of readings) {
    const list = byStation.get(reading.station_id);
    if (list) list.push(reading);
    else byStation.set(reading.station_id, [reading]);
  }
  const headers = {
    [HEADERS.traceparent]: formatTraceparent(trace),
    [HEADERS.source]: 'collector',
  };
  return [...byStation].map(([stationId, list]) => ({
    key: stationId,
    value: encodeMessage(stationId, receivedAt, list),
    headers,
  }));
}
