// @ts-check
// The one way the scripts run other programs: a child tied to this process (the kernel stops it
// when this process dies, however it dies), stopped with a grace period; a command run to
// completion with its output collected; a command in the foreground. Processes are execa's.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { createInterface } from 'node:readline';
import { execa, execaSync } from 'execa';
import { say, which } from './util.mjs';

/**
 * How a process ended: exactly one of `code` and `signal` is set.
 * @typedef {{ code: number | null, signal: NodeJS.Signals | null }} Exit
 */

/**
 * @typedef {object} Child
 * @property {number | undefined} pid
 * @property {Promise<Exit>} exited  Settles once the process is gone, for whatever reason.
 * @property {() => boolean} running
 * @property {() => Promise<void>} stop  SIGTERM, then SIGKILL after the grace period; resolves
 *   once the process is gone. Safe to call more than once.
 */

/** `code 1` or `SIGKILL`, for people. */
export const describeExit = (/** @type {Exit} */ exit) => exit.signal ?? `code ${exit.code}`;

/** The shell's convention: a signal's death as exit code 128 + its number. */
export const exitCode = (/** @type {Exit} */ exit) =>
  exit.code ?? (exit.signal ? 128 + (osConstants.signals[exit.signal] ?? 0) : null);

/**
 * Children alive right now: stopped (and waited for, briefly) when this process exits.
 * @type {Set<{ pid: number, kill: () => void, graceMs: number }>}
 */
const live = new Set();

/**
 * Starts `cmd` as a child of this process.
 *
 * Tied to its parent twice over: through `setpriv --pdeathsig SIGTERM` (util-linux; the kernel
 * signals the child when this process dies, even by SIGKILL), and on a normal exit of this
 * process, which SIGTERMs every live child and blocks up to `exitGraceMs` until they are gone
 * (so that a run started right after this one never finds a half-stopped server).
 *
 * @param {{ cmd: string, args: string[], cwd?: string, env?: NodeJS.ProcessEnv,
 *   output?: 'ignore' | { file: string } | { lines: (line: string) => void },
 *   stopGraceMs?: number, exitGraceMs?: number }} o  `env` replaces the environment when given.
 * @returns {Promise<Child>} once the process runs; rejects when it cannot start.
 */
export async function startProcess(o) {
  const output = o.output ?? 'ignore';
  // A log file is opened here and handed to the child as a descriptor, so the child writes to it
  // directly, not through a pipe this process must drain (even while it blocks in 'exit').
  const fd =
    typeof output === 'object' && 'file' in output ? openSync(output.file, 'a') : undefined;
  // execa passes a descriptor number straight to the child; its types list only 3–9.
  const stdio = /** @type {import('execa').Options['stdout']} */ (
    /** @type {unknown} */ (fd ?? (output === 'ignore' ? 'ignore' : 'pipe'))
  );
  const setpriv = which('setpriv');
  const cmd = setpriv ?? o.cmd;
  const args = setpriv ? ['--pdeathsig', 'SIGTERM', '--', o.cmd, ...o.args] : o.args;
  /** @type {import('execa').Options} */
  const options = {
    cwd: o.cwd,
    env: o.env,
    extendEnv: !o.env,
    stdin: 'ignore',
    stdout: stdio,
    stderr: stdio,
    buffer: false,
    reject: false,
    cleanup: false, // the exit hook below stops children, and waits for them
    forceKillAfterDelay: o.stopGraceMs ?? 15_000,
  };
  const subprocess = execa(cmd, args, options);
  try {
    await new Promise((resolve, reject) => {
      subprocess.once('spawn', resolve);
      subprocess.once('error', reject);
    });
  } finally {
    if (fd !== undefined) closeSync(fd); // the child holds its own copy
  }
  if (typeof output === 'object' && 'lines' in output) {
    for (const stream of [subprocess.stdout, subprocess.stderr]) {
      if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', output.lines);
    }
  }
  const entry = {
    pid: subprocess.pid ?? 0,
    kill: () => subprocess.kill('SIGTERM'),
    graceMs: o.exitGraceMs ?? 5_000,
  };
  live.add(entry);
  /** @type {Promise<Exit>} */
  const exited = subprocess.then((result) => {
    live.delete(entry);
    return {
      code: result.signal ? null : (result.exitCode ?? null),
      signal: result.signal ?? null,
    };
  });
  let over = false;
  void exited.then(() => {
    over = true;
  });
  /** @type {Promise<void> | undefined} */
  let stopping;
  return {
    pid: subprocess.pid,
    exited,
    running: () => !over,
    stop: () => {
      if (!stopping) {
        if (!over) subprocess.kill('SIGTERM'); // execa sends SIGKILL after the grace period
        stopping = exited.then(() => {});
      }
      return stopping;
    },
  };
}

process.on('exit', () => {
  if (live.size === 0) return;
  for (const child of live) child.kill();
  // 'exit' handlers must be synchronous: block, polling /proc, until the children are gone.
  const deadline = Date.now() + Math.max(...[...live].map((child) => child.graceMs));
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const running = () => [...live].filter((child) => isRunningSync(child.pid));
  while (running().length > 0 && Date.now() < deadline) Atomics.wait(pause, 0, 0, 50);
  for (const child of running()) process.kill(child.pid, 'SIGKILL');
});

/**
 * Whether a process is still running, without the event loop (for the 'exit' hook). Node cannot
 * reap children there, so a finished child lingers as a zombie: that counts as gone, its sockets
 * are closed. Without /proc (not Linux) this answers false, i.e. no waiting.
 */
function isRunningSync(/** @type {number} */ pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "<pid> (<comm>) <state> ...": comm may itself contain parentheses.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * Runs a command to completion, collecting stdout and stderr interleaved. `code` is null when
 * the command could not be started at all (its `output` then says why).
 * @param {string} cmd @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, all?: boolean }} [opts] `all: false` keeps
 * stderr out of `output` (for commands that print JSON on stdout).
 * @returns {Promise<{ code: number | null, output: string }>}
 */
export async function runCommand(cmd, args, opts = {}) {
  const all = opts.all ?? true;
  const result = await execa(cmd, args, {
    cwd: opts.cwd,
    ...(opts.env ? { env: opts.env, extendEnv: false } : {}),
    all,
    reject: false,
    stdin: 'ignore',
  });
  const started = result.exitCode !== undefined || result.signal !== undefined;
  return {
    code: started
      ? exitCode({ code: result.exitCode ?? null, signal: result.signal ?? null })
      : null,
    output: (started ? (all ? result.all : `${result.stdout}`) : result.message) ?? '',
  };
}

/**
 * Runs a command in the foreground with inherited output; throws when it fails.
 * @param {string} cmd @param {string[]} args @param {NodeJS.ProcessEnv} env @param {string} what
 * @param {{ cwd?: string }} [opts]
 */
export function runForeground(cmd, args, env, what, opts = {}) {
  say(`${what}: ${cmd} ${args.join(' ')}`);
  const result = execaSync(cmd, args, {
    cwd: opts.cwd,
    env,
    extendEnv: false,
    stdio: 'inherit',
    reject: false,
  });
  if (result.failed) {
    throw new Error(
      `${what} failed (${cmd} ${args.join(' ')} exited ${result.exitCode ?? result.signal ?? result.shortMessage})`,
    );
  }
}
