import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuMeter, type ProcessGroup } from './cpu';

/** Sizes of one run: the full benchmark or the tiny `--quick` check that runs in `npm test`. */
export interface BenchConfig {
  quick: boolean;
  repetitions: number;
  pipeline: { readings: number; stations: number; batchSize: number; connections: number };
  single: { readings: number; stations: number; connections: number };
  latency: { seconds: number; probeEveryMs: number; batchSize: number };
  query: { stations: number; days: number; requests: number };
}

export const FULL: BenchConfig = {
  quick: false,
  repetitions: 3,
  pipeline: { readings: 1_000_000, stations: 1000, batchSize: 1000, connections: 8 },
  single: { readings: 100_000, stations: 1000, connections: 64 },
  latency: { seconds: 20, probeEveryMs: 50, batchSize: 100 },
  // 1,000 stations × 7 days × one reading a minute = 10,080,000 rows.
  query: { stations: 1000, days: 7, requests: 300 },
};

export const QUICK: BenchConfig = {
  quick: true,
  repetitions: 3,
  pipeline: { readings: 20_000, stations: 100, batchSize: 1000, connections: 4 },
  single: { readings: 2000, stations: 100, connections: 16 },
  latency: { seconds: 3, probeEveryMs: 50, batchSize: 100 },
  query: { stations: 20, days: 2, requests: 30 },
};

export const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
export const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'weather-bench-'));

/** Runs a command to completion; throws with its output when it fails. */
export function sh(cmd: string, args: string[], options: { input?: string } = {}) {
  const result = spawnSync(cmd, args, {
    encoding: 'utf8',
    input: options.input,
    maxBuffer: 1 << 30,
  });
  if (result.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} exited ${result.status ?? result.signal}: ${result.stderr}`,
    );
  }
  return result.stdout;
}

/** The shared infrastructure's processes, found by name; the apps' and driver's by pid. */
export function infrastructureGroups(): ProcessGroup[] {
  return [
    { name: 'kafka', match: (_comm, cmdline) => cmdline.includes('kafka.Kafka') },
    { name: 'postgresql', match: (comm) => comm === 'postgres' },
    { name: 'redis', match: (comm) => comm === 'redis-server' },
  ];
}

export function meterFor(apps: Record<string, number | undefined>) {
  const groups: ProcessGroup[] = Object.entries(apps)
    .filter((entry): entry is [string, number] => entry[1] !== undefined)
    .map(([name, pid]) => ({ name, pids: [pid] }));
  return cpuMeter([...groups, ...infrastructureGroups(), { name: 'bench', pids: [process.pid] }]);
}

export const log = (message: string) =>
  process.stdout.write(
    `\x1b[36m[bench]\x1b[0m ${new Date().toISOString().slice(11, 19)} ${message}\n`,
  );
