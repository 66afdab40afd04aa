/**
 * Running a compose service here the way its image would run it: the stage's command in the
 * repository folder its WORKDIR comes from, with only the image's and the compose file's
 * environment, container host names pointed at this machine's servers. Then its own
 * healthcheck, as Docker would run it, decides whether it is up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  buildOf,
  type ComposeFile,
  environmentOf,
  type Healthcheck,
  healthcheckArgv,
  healthcheckTiming,
} from './compose';
import {
  finalWorkdir,
  findStage,
  resolveImagePath,
  type Stage,
  stageCommand,
  stageEnv,
} from './dockerfile';
import { escapeRegExp } from './regexp';

export interface Launch {
  name: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  healthcheck: string[] | undefined;
}

/**
 * The service's command, folder and environment as its image defines them. Only PATH and HOME
 * come from this process (a container has its own); nothing else leaks in from the test's
 * environment, so a variable compose forgets stays unset here too.
 */
export function imageLaunch(
  compose: ComposeFile,
  stages: Stage[],
  name: string,
  repoRoot: string,
): Launch {
  const service = compose.services[name];
  const target = service && buildOf(service)?.target;
  const stage = target === undefined ? undefined : findStage(stages, target);
  if (!service || !stage)
    throw new Error(`${name}: no compose service built from a Dockerfile stage`);
  const workdir = finalWorkdir(stages, stage);
  const origin = resolveImagePath(stages, stage, workdir, repoRoot);
  if (!('repo' in origin)) throw new Error(`${name}: WORKDIR ${workdir}: ${origin.unresolved}`);
  const command = service.command;
  return {
    name,
    argv:
      command === undefined
        ? stageCommand(stages, stage)
        : Array.isArray(command)
          ? command
          : command.split(' '),
    cwd: path.join(repoRoot, origin.repo),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.homedir(),
      ...stageEnv(stages, stage),
      ...environmentOf(service),
    },
    healthcheck: healthcheckArgv(service.healthcheck),
  };
}

/** Where the containers' addresses are on this machine. */
export interface Addresses {
  /** Compose `host:port` whose URLs are replaced whole (credentials, database name and all). */
  urls: Record<string, string>;
  /** Compose `host:port` → local `host:port` (or list), wherever it appears in a value. */
  hosts: Record<string, string>;
  /** Container folder (a named volume's mount) → the local folder standing in for it. */
  paths?: Record<string, string>;
}

export interface PortShift {
  container: number;
  local: number;
}

const hostPattern = (hostPort: string) =>
  new RegExp(`(?<![\\w.-])${escapeRegExp(hostPort)}(?!\\d)`, 'g');

function wholeUrl(value: string, urls: Record<string, string>): string | undefined {
  try {
    return urls[new URL(value).host];
  } catch {
    return undefined;
  }
}

/**
 * One value with container addresses made local. The service's own port (a value equal to it,
 * or it on loopback as the healthcheck uses it) becomes its local port: never a variable added
 * by name, so a port variable compose misspells is still misspelt here.
 */
export function localiseValue(value: string, addresses: Addresses, own?: PortShift): string {
  const url = wholeUrl(value, addresses.urls);
  if (url !== undefined) return url;
  let result = value;
  for (const [from, to] of Object.entries(addresses.hosts)) {
    result = result.replace(hostPattern(from), to);
  }
  for (const [from, to] of Object.entries(addresses.paths ?? {})) {
    if (result === from || result.startsWith(`${from}/`)) result = to + result.slice(from.length);
  }
  if (!own) return result;
  if (result === String(own.container)) return String(own.local);
  const loopback = new RegExp(
    `(?<![\\w.-])(127\\.0\\.0\\.1|localhost|0\\.0\\.0\\.0):${own.container}(?!\\d)`,
    'g',
  );
  return result.replace(loopback, `127.0.0.1:${own.local}`);
}

/** The launch with every address local; fails if a value still names a compose service. */
export function localiseLaunch(
  launch: Launch,
  addresses: Addresses,
  serviceNames: string[],
  own?: PortShift,
): Launch {
  const env = Object.fromEntries(
    Object.entries(launch.env).map(([key, value]) => [key, localiseValue(value, addresses, own)]),
  );
  for (const [key, value] of Object.entries(env)) {
    const left = serviceNames.find((name) =>
      new RegExp(`(?<![\\w.-])${escapeRegExp(name)}:\\d`).test(value),
    );
    if (left)
      throw new Error(`${launch.name}: ${key}=${value} still addresses compose service ${left}`);
  }
  return {
    ...launch,
    argv: launch.argv.map((arg) => localiseValue(arg, addresses)),
    env,
    healthcheck: launch.healthcheck?.map((arg) => localiseValue(arg, addresses, own)),
  };
}

/** `node` is whatever runs this suite (the image's Node major, per .nvmrc); anything else from PATH. */
const executable = (command: string) => (command === 'node' ? process.execPath : command);

function spawnArgv(argv: string[], cwd: string, env: Record<string, string>): ChildProcess {
  const [command = '', ...args] = argv;
  return spawn(executable(command), args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A running service with its recent output kept for error messages. */
export class ServiceRun {
  private readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(readonly launch: Launch) {
    this.child = spawnArgv(launch.argv, launch.cwd, launch.env);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.output.push(`spawn failed: ${error.message}`);
        resolve(null);
      });
      this.child.on('exit', (code) => resolve(code));
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.on('data', (chunk: Buffer) => this.record(chunk.toString()));
    }
  }

  private record(text: string) {
    this.output.push(...text.split('\n').filter((line) => line !== ''));
    // Enough to explain a failure; a chatty service must not grow the test's memory.
    this.output.splice(0, Math.max(0, this.output.length - 400));
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get exitCode() {
    return this.child.exitCode;
  }

  tail(lines = 30): string {
    const last = this.output.slice(-lines);
    return last.length ? last.join('\n') : '(no output)';
  }

  /** SIGTERM, then SIGKILL once the grace period (compose's stop_grace_period) is over. */
  async stop(graceMs: number) {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** One healthcheck run, killed at the check's timeout like Docker does. */
async function probe(argv: string[], launch: Launch, timeoutMs: number) {
  const run = new ServiceRun({ ...launch, argv });
  const timer = setTimeout(() => void run.stop(0), timeoutMs);
  const code = await run.exited;
  clearTimeout(timer);
  return { code, output: run.tail(5) };
}

/**
 * Runs the service's own healthcheck until it exits 0. Docker gives up after start_period +
 * retries × interval; so does this (probing more often, to be done sooner).
 */
export async function waitHealthy(run: ServiceRun, check: Healthcheck | undefined) {
  const argv = run.launch.healthcheck;
  if (!check || !argv) throw new Error(`${run.launch.name}: compose defines no healthcheck`);
  const timing = healthcheckTiming(check);
  const budgetMs = timing.startPeriodMs + timing.retries * timing.intervalMs;
  const deadline = Date.now() + budgetMs;
  let last = { code: null as number | null, output: 'never run' };
  while (Date.now() < deadline) {
    if (!run.running) {
      throw new Error(
        `${run.launch.name} exited (${run.exitCode}) before its healthcheck passed:\n${run.tail()}`,
      );
    }
    last = await probe(argv, run.launch, timing.timeoutMs);
    if (last.code === 0) return;
    await sleep(Math.min(timing.intervalMs, 500));
  }
  throw new Error(
    `${run.launch.name}: healthcheck ${JSON.stringify(argv)} did not pass within ${budgetMs} ms ` +
      `(last exit ${last.code}: ${last.output})\n--- last output of ${run.launch.name} ---\n${run.tail()}`,
  );
}

/** A one-shot service (compose's service_completed_successfully): must exit 0 in time. */
export async function waitCompleted(run: ServiceRun, timeoutMs: number) {
  const code = await Promise.race([run.exited, sleep(timeoutMs).then(() => 'timeout' as const)]);
  if (code === 0) return;
  const what = code === 'timeout' ? `did not finish within ${timeoutMs} ms` : `exited ${code}`;
  throw new Error(`${run.launch.name} ${what}:\n${run.tail()}`);
}
