import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import type { ConsumerStatsBody } from '@weather/contracts/consumer';
import { deadLetterTopic } from '@weather/contracts/kafka-message';
import { readingSchema } from '@weather/core/reading';
import { infrastructure, type ServiceName, services } from '@weather/core/services';
import { issueToken } from '@weather/core/tokens';
import {
  addCredential,
  createGateway,
  type Database,
  rowsOf,
  type StoredReading,
} from '@weather/db';
import { createTestDatabase } from '@weather/db/testing';
import { sql } from 'drizzle-orm';
import { Kafka, logLevel } from 'kafkajs';

const root = path.resolve(import.meta.dirname, '../../..');

export type { ServiceName };

export const baseDatabaseUrl = process.env.DATABASE_URL ?? infrastructure.TEST_DATABASE_URL;
export const brokers = process.env.KAFKA_BROKERS ?? infrastructure.KAFKA_BROKERS;
export const redisUrl = process.env.REDIS_URL ?? infrastructure.REDIS_URL;

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls until `probe` is truthy; fails with `what` after the timeout. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | false | undefined>,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

/**
 * A service process (the real entry point: from source, or its build when `built`) with its log
 * lines collected.
 */
export class ServiceProcess {
  readonly lines: Record<string, unknown>[] = [];
  private child: ChildProcess | undefined;
  exited: Promise<number | null> = Promise.resolve(null);

  constructor(
    readonly name: ServiceName,
    readonly port: number,
    readonly env: Record<string, string>,
    readonly options: { built?: boolean; nodeArgs?: string[] } = {},
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid() {
    return this.child?.pid;
  }

  async start() {
    // Where it starts (from source, or its build when `built`) and what to wait for: the manifest.
    const { portVar, ready, source, built } = services[this.name];
    const fromBuild = this.options.built || !source;
    const entry = fromBuild ? [built] : ['--import', 'tsx', source];
    const args = [...(this.options.nodeArgs ?? []), ...entry];
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        HOSTNAME: '127.0.0.1',
        // A build runs as deployed (the images set it too): libraries skip their dev-time checks.
        ...(fromBuild ? { NODE_ENV: 'production' } : {}),
        ...this.env,
        [portVar]: String(this.port),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.on('exit', resolve));
    let buffer = '';
    child.stdout?.on('data', (chunk) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const part of parts) {
        try {
          this.lines.push(JSON.parse(part));
        } catch {
          // not a log line
        }
      }
    });
    await until(`${this.name} on port ${this.port} to be ready`, async () => {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode}`);
      return (await fetch(`${this.url}${ready}`)).ok;
    });
    return this;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM') {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return null;
    this.child.kill(signal);
    return this.exited;
  }
}

/**
 * One isolated pipeline per test file: its own topic, consumer group and database on the shared
 * broker and server, and helpers to start, kill and restart the real services.
 */
export async function createPipeline(
  label: string,
  {
    partitions = 6,
    kafkaBrokers = brokers,
    built = false,
    nodeArgs = [],
  }: {
    partitions?: number;
    kafkaBrokers?: string;
    /** Run the apps' builds instead of their sources. */
    built?: boolean;
    /** Extra `node` flags for every service (e.g. --cpu-prof). */
    nodeArgs?: string[];
  } = {},
) {
  const id = randomBytes(4).toString('hex');
  const topic = `weather.readings.test-${label}-${id}`;
  const database = await createTestDatabase(baseDatabaseUrl, label);
  const kafka = new Kafka({
    clientId: `test-${label}`,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const ingest = await ingestGateway(database.db, `test-${label}`);
  const common = {
    KAFKA_BROKERS: kafkaBrokers,
    KAFKA_TOPIC: topic,
    KAFKA_TOPIC_PARTITIONS: String(partitions),
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    // One per pipeline, so the web app's sessions are the query service's too.
    AUTH_SECRET: randomBytes(32).toString('base64url'),
  };
  const services: ServiceProcess[] = [];

  const pipeline = {
    topic,
    database,
    /**
     * The token of the pipeline's auto-registering gateway (no rate limit), and the headers
     * that carry it: every ingest request of a test sends them (the collector requires a token).
     */
    ingestToken: ingest.token,
    ingestHeaders: ingest.headers,
    kafka,
    admin,
    /** Any service of the pipeline, with this pipeline's topic, database and Redis. */
    async service(name: ServiceName, env: Record<string, string> = {}) {
      const service = new ServiceProcess(
        name,
        await freePort(),
        { ...common, ...env },
        { built, nodeArgs },
      );
      services.push(service);
      return service.start();
    },
    collector: (env: Record<string, string> = {}) => pipeline.service('collector', env),
    consumer: (env: Record<string, string> = {}) =>
      pipeline.service('consumer', { CONSUMER_GROUP_ID: `test-${label}-${id}`, ...env }),
    async rowCount() {
      const rows = rowsOf<{ n: number }>(
        await database.db.execute(sql`select count(*)::int as n from weather_readings`),
      );
      return rows[0]?.n ?? 0;
    },
    /** Waits until the table holds `expected` rows and stays there (no late extras). */
    async waitForRows(expected: number, timeoutMs = 90_000) {
      await until(
        `${expected} rows`,
        async () => (await pipeline.rowCount()) >= expected,
        timeoutMs,
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return pipeline.rowCount();
    },
    async close() {
      try {
        await Promise.all(services.map((s) => s.stop('SIGKILL')));
        await admin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] }).catch(() => {});
        await admin.disconnect().catch(() => {});
      } finally {
        // Even when the broker is gone, the database must not outlive the test.
        await database.drop();
      }
    },
  };
  return pipeline;
}

export type Pipeline = Awaited<ReturnType<typeof createPipeline>>;

/**
 * A gateway that registers every station it sends and has no rate limits, with a token: what
 * the simulator gets, for tests and benchmarks.
 */
export async function ingestGateway(db: Database, id: string) {
  await createGateway(db, id, { autoRegister: true, requestsPerSecond: 0, readingsPerSecond: 0 });
  const { token, prefix, hash } = issueToken('gateway');
  await addCredential(db, { kind: 'gateway', ownerId: id, prefix, hash });
  return { token, headers: { authorization: `Bearer ${token}` } };
}

const storedSchema = readingSchema(() => Date.parse('2100-01-01T00:00:00Z'));

/**
 * A reading as the consumer stores it (validated, with `received_at`), for tests that write the
 * table directly instead of through the pipeline.
 */
export function storedReading(
  stationId: string,
  timestamp: Date,
  values: Record<string, number>,
): StoredReading {
  return {
    ...storedSchema.parse({ station_id: stationId, timestamp: timestamp.toISOString(), ...values }),
    received_at: timestamp.toISOString(),
  };
}

/** `count` unique readings spread over `stations` stations, one minute apart per station. */
export function uniqueReadings(count: number, stations: number, start = Date.UTC(2026, 0, 1)) {
  return Array.from({ length: count }, (_, i) => ({
    station_id: `ST-${String(i % stations).padStart(3, '0')}`,
    timestamp: new Date(start + Math.floor(i / stations) * 60_000).toISOString(),
    temperature: Math.round((10 + (i % 200) / 10) * 10) / 10,
    humidity: 40 + (i % 50),
    pressure: 1000 + (i % 30),
  }));
}

export async function postBatch(
  collectorUrl: string,
  records: unknown[],
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${collectorUrl}/weather-data/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ records }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function stats(consumerUrl: string) {
  return (await (await fetch(`${consumerUrl}/stats`)).json()) as ConsumerStatsBody;
}
