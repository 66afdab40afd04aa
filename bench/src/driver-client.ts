import { type ChildProcess, fork } from 'node:child_process';
import type { Workload } from './data';
import type { DriverCommand, DriverMessage, DriverResult } from './driver';

/** A load driver process, prepared (bodies built, connections open) and waiting for `go`. */
export async function startDriver(options: {
  url: string;
  /** Sent with every request: the ingest token. */
  headers: Record<string, string>;
  workload: Workload;
  /** Ecowitt: each station's token, by station number (it goes in the path). */
  stationTokens?: string[];
  connections: number;
  rate?: number;
}) {
  const child: ChildProcess = fork(new URL('./driver.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<DriverMessage>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load driver exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        resolve(message as DriverMessage);
      });
    });
  const command = (c: DriverCommand) => child.send(c);
  const ready = next();
  command({ kind: 'prepare', ...options });
  const { requests } = (await ready) as { requests: number };
  return {
    pid: child.pid as number,
    requests,
    async go(): Promise<DriverResult> {
      const done = next();
      command({ kind: 'go' });
      const { kind: _kind, ...result } = (await done) as { kind: 'done' } & DriverResult;
      return result;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      command({ kind: 'exit' });
      await exited;
    },
  };
}
