import type { Logger } from '@weather/core/logger';
import type { Message, Producer } from 'kafkajs';

export interface PublisherOptions {
  topic: string;
  /** How long the first record of a batch waits for company before the batch is sent. */
  lingerMs: number;
  /** A batch is sent at once when it reaches this many records. */
  maxBatchRecords: number;
  /** Produce requests in flight at once; beyond that, records wait and batches grow. */
  maxInFlight: number;
  /**
   * Most value bytes one produce request carries for one partition. The broker refuses a
   * partition's record batch over its `message.max.bytes` (1 MiB by default) as a whole, which
   * would answer valid readings with 503; the default stays below it with room for headers.
   */
  maxPartitionBytes?: number;
  logger: Logger;
}

export const DEFAULT_MAX_PARTITION_BYTES = 768 * 1024;

interface Pending {
  records: Message[];
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Coalesces the records of many concurrent callers into few produce requests (kafkajs has no
 * linger of its own: every `send` is a request). `publish` resolves only once the broker has
 * acknowledged the caller's records with acks=all, and rejects if the batch failed.
 */
export class BatchingPublisher {
  /** Partitions of the topic; set from the broker's metadata once connected. */
  partitions = 1;
  private queue: Pending[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly producer: Producer,
    private readonly options: PublisherOptions,
  ) {}

  publish(records: Message[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      this.queued += records.length;
      if (this.queued >= this.options.maxBatchRecords) this.flushSoon(0);
      else this.flushSoon(this.options.lingerMs);
    });
  }

  /** Sends everything queued and waits for every in-flight request (shutdown). */
  async drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0 || this.inFlight > 0) {
      if (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
        void this.send();
        continue;
      }
      await new Promise<void>((resolve) => this.idle.push(resolve));
    }
  }

  private flushSoon(delayMs: number) {
    if (delayMs === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      if (this.inFlight < this.options.maxInFlight) void this.send();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.inFlight < this.options.maxInFlight) void this.send();
    }, delayMs);
  }

  private async send() {
    const batch = this.takeBatch();
    if (batch.length === 0) return;
    this.inFlight++;
    const messages = batch.flatMap((p) => p.records);
    try {
      await this.producer.send({ topic: this.options.topic, acks: -1, messages });
      for (const p of batch) p.resolve();
    } catch (error) {
      this.options.logger.warn({ err: error, records: messages.length }, 'produce failed');
      for (const p of batch) p.reject(error as Error);
    } finally {
      this.inFlight--;
      for (const wake of this.idle.splice(0)) wake();
      // What queued up while this request was in flight goes out now, as one larger batch.
      if (this.queue.length > 0)
        this.flushSoon(this.queued >= this.options.maxBatchRecords ? 0 : this.options.lingerMs);
    }
  }

  /**
   * Whole callers, up to about maxBatchRecords records and maxPartitionBytes per partition (a
   * single large caller still goes alone).
   */
  private takeBatch(): Pending[] {
    const maxBytes = this.options.maxPartitionBytes ?? DEFAULT_MAX_PARTITION_BYTES;
    const batch: Pending[] = [];
    const bytes = new Map<number | undefined, number>();
    let count = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as Pending;
      if (batch.length > 0 && count + next.records.length > this.options.maxBatchRecords) break;
      const added = bytesByPartition(next.records);
      if (batch.length > 0 && [...added].some(([p, n]) => (bytes.get(p) ?? 0) + n > maxBytes)) {
        break;
      }
      for (const [p, n] of added) bytes.set(p, (bytes.get(p) ?? 0) + n);
      this.queue.shift();
      batch.push(next);
      count += next.records.length;
    }
    this.queued -= count;
    return batch;
  }
}

/** Value bytes per partition (undefined: left to the producer's partitioner). */
function bytesByPartition(records: Message[]) {
  const bytes = new Map<number | undefined, number>();
  for (const { partition, value } of records) {
    const size =
      value === null ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length;
    bytes.set(partition, (bytes.get(partition) ?? 0) + size);
  }
  return bytes;
}
