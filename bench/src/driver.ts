/**
 * The load driver: a separate process (so its CPU is measured on its own), sending pre-built
 * requests to the collector over keep-alive connections. Closed loop: `connections`
 * requests in flight until all are sent (throughput). Open loop: requests at a fixed rate
 * whatever the answers (latency without coordinated omission).
 */
import { Pool } from 'undici';
import { type Workload, type WorkloadRequest, workloadRequests } from './data';
import { percentile } from './stats';

export type DriverCommand =
  | {
      kind: 'prepare';
      url: string;
      /** Sent with every request: the ingest token. */
      headers: Record<string, string>;
      workload: Workload;
      /** Ecowitt: each station's token, by station number (it goes in the path). */
      stationTokens?: string[];
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
  /** From sending a request to its whole answer, ms (closed loop: with the others queued). */
  latencyMs: { p50: number; p99: number; max: number };
}

export type DriverMessage = { kind: 'ready'; requests: number } | ({ kind: 'done' } & DriverResult);

const send = (message: DriverMessage) => process.send?.(message);

let prepared: {
  pool: Pool;
  connections: number;
  headers: Record<string, string>;
  requests: WorkloadRequest[];
  batch: boolean;
  rate?: number;
} | null = null;

async function run(): Promise<DriverResult> {
  if (!prepared) throw new Error('go before prepare');
  const { pool, connections, requests, batch, rate } = prepared;
  const result: DriverResult = {
    requests: requests.length,
    accepted: 0,
    statuses: {},
    errors: 0,
    startedAt: Date.now(),
    finishedAt: 0,
    maxLagMs: 0,
    latencyMs: { p50: 0, p99: 0, max: 0 },
  };
  const latencies: number[] = [];
  const post = async ({ path, body }: WorkloadRequest) => {
    const t0 = performance.now();
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
      latencies.push(performance.now() - t0);
    } catch {
      result.errors++;
    }
  };

  if (rate === undefined) {
    let next = 0;
    const worker = async () => {
      while (next < requests.length) await post(requests[next++] as WorkloadRequest);
    };
    await Promise.all(Array.from({ length: connections }, worker));
  } else {
    const inflight: Promise<void>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < requests.length; i++) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      result.maxLagMs = Math.max(result.maxLagMs, performance.now() - due);
      inflight.push(post(requests[i] as WorkloadRequest));
    }
    await Promise.all(inflight);
  }
  result.finishedAt = Date.now();
  const round = (ms: number) => Math.round(ms * 100) / 100;
  result.latencyMs = {
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.reduce((max, ms) => Math.max(max, ms), 0)),
  };
  return result;
}

process.on('message', (command: DriverCommand) => {
  if (command.kind === 'prepare') {
    const { workload, connections } = command;
    const { contentType, requests } = workloadRequests(workload, command.stationTokens);
    prepared = {
      pool: new Pool(command.url, { connections, pipelining: 1 }),
      connections,
      headers: { 'content-type': contentType, ...command.headers },
      requests,
      batch: workload.batchSize > 1,
      rate: command.rate,
    };
    // Open the connections before the clock starts.
    void Promise.all(
      Array.from({ length: connections }, () =>
        prepared?.pool.request({ path: '/health', method: 'GET' }).then((r) => r.body.dump()),
      ),
    ).then(() => send({ kind: 'ready', requests: prepared?.requests.length ?? 0 }));
  } else if (command.kind === 'go') {
    void run().then((result) => send({ kind: 'done', ...result }));
  } else {
    void prepared?.pool.close().finally(() => process.exit(0));
    if (!prepared) process.exit(0);
  }
});
