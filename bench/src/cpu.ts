import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc times (USER_HZ; 100 on Linux everywhere in practice). */
const HZ = 100;

export interface ProcessGroup {
  name: string;
  /** Which processes belong to it: fixed pids, or a test on the command name and line. */
  pids?: number[];
  match?: (comm: string, cmdline: string) => boolean;
}

interface Times {
  /** pid → user + system seconds. */
  perPid: Map<number, number>;
  at: number;
}

function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / HZ;
  } catch {
    return undefined; // exited
  }
}

function members(group: ProcessGroup): number[] {
  if (group.pids) return group.pids;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (group.match?.(comm, cmdline)) pids.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function snapshot(groups: ProcessGroup[]): Map<string, Times> {
  const at = performance.now();
  return new Map(
    groups.map((g) => {
      const perPid = new Map<number, number>();
      for (const pid of members(g)) {
        const seconds = cpuSeconds(pid);
        if (seconds !== undefined) perPid.set(pid, seconds);
      }
      return [g.name, { perPid, at }];
    }),
  );
}

/**
 * CPU used per process group between `start()` and `stop()`, as a percentage of one core
 * (200% = both cores of a 2-core machine). Processes that start in between count from zero;
 * ones that exit in between are missed, so groups should be long-lived processes.
 */
export function cpuMeter(groups: ProcessGroup[]) {
  let before = new Map<string, Times>();
  return {
    start() {
      before = snapshot(groups);
    },
    stop(): Record<string, number> {
      const after = snapshot(groups);
      const result: Record<string, number> = {};
      for (const [name, end] of after) {
        const begin = before.get(name);
        const elapsed = (end.at - (begin?.at ?? end.at)) / 1000;
        let used = 0;
        for (const [pid, seconds] of end.perPid) used += seconds - (begin?.perPid.get(pid) ?? 0);
        result[name] = elapsed > 0 ? Math.round((used / elapsed) * 100) : 0;
      }
      return result;
    },
  };
}

/** Whole-machine CPU busy share between two calls, 0–100% of all cores. */
export function machineMeter() {
  const read = () => {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    const total = values.reduce((a, b) => a + b, 0);
    return { idle, total };
  };
  let begin = read();
  return {
    start() {
      begin = read();
    },
    stop() {
      const end = read();
      const total = end.total - begin.total;
      return total > 0 ? Math.round((1 - (end.idle - begin.idle) / total) * 100) : 0;
    },
  };
}
