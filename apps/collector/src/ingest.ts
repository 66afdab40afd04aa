import { encodeMessage, HEADERS } from '@weather/contracts/kafka-message';
import type { Reading } from '@weather/core/reading';
import { formatTraceparent, type TraceContext } from '@weather/core/trace';
import { type Message, partitionFor } from '@weather/kafka';

/** Where accepted readings go; resolves once the broker acknowledged them (acks=all). */
export interface ReadingSink {
  /** Partitions of the topic, which decide how readings are packed into records. */
  readonly partitions: number;
  publish(records: Message[]): Promise<void>;
}

/**
 * Turns validated readings into Kafka records: one record per partition the request's stations
 * hash to (Kafka's own key hash), so a station's readings always go to one partition and stay
 * in order, while a request from many stations costs a few records rather than one each. The
 * key is one of the record's stations (all of them hash alike); headers carry the trace.
 */
export function toRecords(
  readings: readonly Reading[],
  receivedAt: Date,
  trace: TraceContext,
  partitions: number,
): Message[] {
  const byPartition = new Map<number, Reading[]>();
  for (const reading of readings) {
    const partition = partitionFor(reading.station_id, partitions);
    const list = byPartition.get(partition);
    if (list) list.push(reading);
    else byPartition.set(partition, [reading]);
  }
  const headers = {
    [HEADERS.traceparent]: formatTraceparent(trace),
    [HEADERS.source]: 'collector',
  };
  return [...byPartition].map(([partition, list]) => ({
    partition,
    key: (list[0] as Reading).station_id,
    value: encodeMessage(receivedAt, list),
    headers,
  }));
}
