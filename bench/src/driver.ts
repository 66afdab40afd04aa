/**
 * The load driver: a separate process (so its CPU is measured on its own), sending pre-built
 * request bodies to the collector over keep-alive connections. Closed loop: `connections`
 * requests in flight until all are sent (throughput). Open loop: requests at a fixed rate
 * whatever the answers (latency without coordinated omission).
 */
import { Pool } from 'undici';
import { requestBodies, type Workload } from './data';

export type DriverCommand =
  | {
      kind: 'prepare';
      url: string;
      /** Sent with every request: the ingest token. */
      headers: Record<string, string>;
      workload: Workload;
      connections: number;
      /** Requests per second (open loop); absent = closed loop. */
      rate?: number;
    }
  | { kind: 'go' }
  | { kind: 'exit' };

export interface DriverResult {
  requests: number;
  /** Readings the collector acknowledged (2xx). */
  accepted: number;
  statuses: Record<string, number>;
  errors: number;
  startedAt: number;
  finishedAt: number;
  /** Open loop: how far sends fell behind their schedule at worst, ms. */
  maxLagMs: number;
}

export type DriverMessage = { kind: 'ready'; requests: number } | ({ kind: 'done' } & DriverResult);

const send = (message: DriverMessage) => process.send?.(message);

let prepared: {
  pool: Pool;
  connections: number;
  path: string;
  headers: Record<string, string>;
  bodies: Buffer[];
  batch: boolean;
  rate?: number;
} | null = null;

async function run(): Promise<DriverResult> {
  if (!prepared) throw new Error('go before prepare');
  const { pool, connections, path, bodies, batch, rate } = prepared;
  const result: DriverResult = {
    requests: bodies.length,
    accepted: 0,
    statuses: {},
    errors: 0,
    startedAt: Date.now(),
    finishedAt: 0,
    maxLagMs: 0,
  };
  const post = async (body: Buffer) => {
    try {
      const res = await pool.request({
        path,
        method: 'POST',
        headers: prepared?.headers ?? {},
        body,
      });
      const key = String(res.statusCode);
      result.statuses[key] = (result.statuses[key] ?? 0) + 1;
      if (batch) {
        const answer = (await res.body.json()) as { successful?: number };
        if (res.statusCode < 300) result.accepted += answer.successful ?? 0;
      } else {
        await res.body.dump();
        if (res.statusCode < 300) result.accepted += 1;
      }
    } catch {
      result.errors++;
    }
  };

  if (rate === undefined) {
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) await post(bodies[next++] as Buffer);
    };
    await Promise.all(Array.from({ length: connections }, worker));
  } else {
    const inflight: Promise<void>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < bodies.length; i++) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      result.maxLagMs = Math.max(result.maxLagMs, performance.now() - due);
      inflight.push(post(bodies[i] as Buffer));
    }
    await Promise.all(inflight);
  }
  result.finishedAt = Date.now();
  return result;
}

process.on('message', (command: DriverCommand) => {
  if (command.kind === 'prepare') {
    const { workload, connections } = command;
    const batch = workload.batchSize > 1;
    prepared = {
      pool: new Pool(command.url, { connections, pipelining: 1 }),
      connections,
      path: batch ? '/weather-data/batch' : '/weather-data',
      headers: { 'content-type': 'application/json', ...command.headers },
      bodies: requestBodies(workload),
      batch,
      rate: command.rate,
    };
    // Open the connections before the clock starts.
    void Promise.all(
      Array.from({ length: connections }, () =>
        prepared?.pool.request({ path: '/health', method: 'GET' }).then((r) => r.body.dump()),
      ),
    ).then(() => send({ kind: 'ready', requests: prepared?.bodies.length ?? 0 }));
  } else if (command.kind === 'go') {
    void run().then((result) => send({ kind: 'done', ...result }));
  } else {
    void prepared?.pool.close().finally(() => process.exit(0));
    if (!prepared) process.exit(0);
  }
});
