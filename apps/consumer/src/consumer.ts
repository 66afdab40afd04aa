import { HEADERS } from '@weather/contracts/kafka-message';
import type { Logger } from '@weather/core/logger';
import type { Admin, Consumer, EachBatchPayload, Producer } from '@weather/kafka';
import { ChunkAbandoned, type DeadLetter, type ProcessorDeps, processChunk } from './processor';

export interface ConsumerOptions {
  topic: string;
  /** Messages handled (and committed) together; bounds the time between heartbeats. */
  chunkSize: number;
  /**
   * Partitions handled at once. A station's readings all live on one partition, so concurrent
   * chunks never hold the same reading; if one fails, kafkajs re-delivers the others' uncommitted
   * chunks too, which the primary key makes harmless.
   */
  concurrency: number;
}

/** Dead-letter records keep the original key, value and headers, plus the error and origin. */
export function deadLetterPublisher(producer: Producer, topic: string) {
  return async (letters: DeadLetter[]) => {
    await producer.send({
      topic,
      acks: -1,
      messages: letters.map(({ message, error }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [HEADERS.dlqError]: error,
          [HEADERS.dlqTopic]: message.topic,
          [HEADERS.dlqPartition]: String(message.partition),
          [HEADERS.dlqOffset]: message.offset,
        },
      })),
    });
  };
}

/**
 * Runs the group consumer: each fetched batch is processed in chunks, and a chunk's offsets are
 * committed only after its rows are committed in the database.
 */
export async function runConsumer(
  consumer: Consumer,
  options: ConsumerOptions,
  deps: ProcessorDeps,
  logger: Logger,
) {
  // Which partitions are ours decides where uncommitted records count against this consumer.
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    deps.stats.noteAssignment(payload.memberAssignment[options.topic] ?? []);
  });
  await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.concurrency,
    eachBatch: async (payload: EachBatchPayload) => {
      const { batch, heartbeat, isRunning, isStale, resolveOffset, commitOffsetsIfNecessary } =
        payload;
      const control = { heartbeat, shouldStop: () => !isRunning() || isStale() };
      for (let start = 0; start < batch.messages.length; start += options.chunkSize) {
        if (control.shouldStop()) return;
        const chunk = batch.messages.slice(start, start + options.chunkSize);
        try {
          await processChunk(
            chunk.map((m) => ({ ...m, topic: batch.topic, partition: batch.partition })),
            deps,
            control,
          );
        } catch (error) {
          if (error instanceof ChunkAbandoned) {
            logger.info({ partition: batch.partition }, error.message);
            return;
          }
          throw error;
        }
        const last = (chunk.at(-1) as { offset: string }).offset;
        resolveOffset(last);
        await commitOffsetsIfNecessary({
          topics: [
            {
              topic: batch.topic,
              partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }],
            },
          ],
        });
        deps.stats.noteCommit(batch.partition);
        await heartbeat();
      }
    },
  });
}

/** Lag per partition: the topic's high watermark minus the group's committed offset. */
export async function measureLag(admin: Admin, groupId: string, topic: string) {
  const [high, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const committedBy = new Map(
    (committed[0]?.partitions ?? []).map((p) => [p.partition, p.offset] as const),
  );
  return high
    .map((p) => {
      const offset = committedBy.get(p.partition) ?? '-1';
      // -1: nothing committed yet, so everything from the low watermark is outstanding.
      const start = BigInt(offset) < 0n ? BigInt(p.low) : BigInt(offset);
      return {
        partition: p.partition,
        committed: offset,
        high: p.high,
        lag: Number(BigInt(p.high) - start > 0n ? BigInt(p.high) - start : 0n),
      };
    })
    .sort((a, b) => a.partition - b.partition);
}
