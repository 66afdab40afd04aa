// @ts-check
// Keeps the parts `npm start` runs alive: a part that exits is started again with exponential
// backoff, and the supervisor gives up (stopping all its parts) only when one keeps failing.
import { setTimeout as sleep } from 'node:timers/promises';
import { describeExit, startProcess } from './process.mjs';
import { say } from './util.mjs';

/**
 * One life of a part.
 * @typedef {object} Run
 * @property {number} [pid]
 * @property {Promise<string>} exited  Settles once the run is over, saying how it ended
 *   (`code 1`, `SIGKILL`).
 * @property {() => Promise<void>} stop  Ends the run; resolves once it is over.
 */

/**
 * @typedef {object} PartSpec
 * @property {string} name
 * @property {() => Promise<Run>} start  Launches one run (rejecting when it cannot).
 * @property {() => Promise<boolean>} [isHealthy]  Polled after `start` until true; without it a
 *   run is healthy once started.
 */

/**
 * @typedef {object} Policy
 * @property {number} initialDelayMs  First restart delay; it doubles per failure in a row.
 * @property {number} maxDelayMs  Cap of the restart delay.
 * @property {number} maxCrashes  Exits of one part allowed within `windowMs`; one more gives up.
 * @property {number} windowMs
 * @property {number} maxUnhealthyStarts  Starts in a row that never became healthy before giving up.
 * @property {number} startTimeoutMs  How long a start has to become healthy; then it is killed
 *   and counts as a crash.
 * @property {number} stableMs  A run healthy this long resets the backoff.
 */

/** @type {Policy} */
export const defaultPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxCrashes: 5,
  windowMs: 60_000,
  maxUnhealthyStarts: 5,
  startTimeoutMs: 90_000,
  stableMs: 30_000,
};

/** @param {number} ms */
const seconds = (ms) => `${Number((ms / 1000).toFixed(2))} s`;

/**
 * @param {{ log?: (msg: string) => void, policy?: Partial<Policy> }} [opts]
 */
export function createSupervisor(opts = {}) {
  const log = opts.log ?? say;
  const policy = { ...defaultPolicy, ...opts.policy };
  const halt = new AbortController();
  /** @type {{ spec: PartSpec, run: Run | undefined, live: boolean, loop: Promise<void>, healthy: Promise<void> }[]} */
  const parts = [];
  /** @type {(error: Error) => void} */
  let reportGiveUp = () => {};
  /** Settles, with the rule that was broken, once the supervisor has given up and stopped. */
  const gaveUp = /** @type {Promise<Error>} */ (
    new Promise((resolve) => {
      reportGiveUp = resolve;
    })
  );
  /** @type {Promise<void> | undefined} */
  let stopping;

  /**
   * Waits for a fresh run to become healthy: 'healthy', 'exited', 'timeout' or 'halted'.
   * @param {PartSpec} spec @param {{ over: boolean }} state
   */
  async function awaitHealthy(spec, state) {
    if (!spec.isHealthy) return 'healthy';
    const deadline = Date.now() + policy.startTimeoutMs;
    while (Date.now() < deadline) {
      if (state.over) return 'exited';
      if (halt.signal.aborted) return 'halted';
      if (await spec.isHealthy().catch(() => false)) return state.over ? 'exited' : 'healthy';
      await sleep(200);
    }
    return 'timeout';
  }

  /** @param {PartSpec} spec @param {() => void} markHealthy */
  async function keep(spec, markHealthy) {
    const part = /** @type {(typeof parts)[number]} */ (parts.find((p) => p.spec === spec));
    /** @type {number[]} */
    let crashes = [];
    let failuresInRow = 0;
    let unhealthyInRow = 0;
    while (!halt.signal.aborted) {
      let how;
      let becameHealthy = false;
      let healthySince = 0;
      try {
        const run = await spec.start();
        part.run = run;
        part.live = true;
        const state = { over: false };
        void run.exited.then(() => {
          state.over = true;
          part.live = false;
        });
        if (halt.signal.aborted) {
          await run.stop();
          return;
        }
        const outcome = await awaitHealthy(spec, state);
        if (outcome === 'healthy') {
          becameHealthy = true;
          healthySince = Date.now();
          unhealthyInRow = 0;
          markHealthy();
        } else if (outcome === 'timeout') {
          log(`${spec.name} did not become healthy within ${seconds(policy.startTimeoutMs)}`);
          await run.stop();
        }
        how = await run.exited;
      } catch (error) {
        how = `could not start: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (halt.signal.aborted) return;

      const now = Date.now();
      crashes = [...crashes.filter((t) => now - t < policy.windowMs), now];
      if (!becameHealthy) unhealthyInRow += 1;
      if (becameHealthy && now - healthySince >= policy.stableMs) failuresInRow = 0;
      const window = seconds(policy.windowMs);
      if (crashes.length > policy.maxCrashes) {
        giveUp(`${spec.name} exited (${how}) ${crashes.length} times in the last ${window}`);
        return;
      }
      if (unhealthyInRow >= policy.maxUnhealthyStarts) {
        giveUp(
          `${spec.name} did not become healthy in ${unhealthyInRow} starts in a row (last: ${how})`,
        );
        return;
      }
      const delay = Math.min(policy.initialDelayMs * 2 ** failuresInRow, policy.maxDelayMs);
      failuresInRow += 1;
      log(
        `${spec.name} exited (${how}); restarting in ${seconds(delay)} ` +
          `(restart ${crashes.length} of ${policy.maxCrashes} in the last ${window})`,
      );
      await sleep(delay, undefined, { signal: halt.signal }).catch(() => {});
    }
  }

  /** Not awaited by the failing part's loop: `stop` waits for that loop to end. */
  function giveUp(/** @type {string} */ message) {
    log(`${message}; giving up`);
    void stop().then(() => reportGiveUp(new Error(message)));
  }

  /** Stops every part (each run gets its own graceful stop) and restarts none. Idempotent. */
  function stop() {
    stopping ??= (async () => {
      halt.abort();
      await Promise.all(
        parts
          .filter((p) => p.live)
          .map((p) =>
            p.run?.stop().catch((error) => log(`could not stop ${p.spec.name}: ${error.message}`)),
          ),
      );
      // A start that was under way when we halted stops its own run.
      await Promise.all(parts.map((p) => p.loop));
    })();
    return stopping;
  }

  return {
    gaveUp,
    stop,
    /** Starts a part and keeps it running. */
    add(/** @type {PartSpec} */ spec) {
      /** @type {() => void} */
      let markHealthy = () => {};
      const healthy = new Promise((resolve) => {
        markHealthy = () => resolve(undefined);
      });
      const part = { spec, run: undefined, live: false, healthy, loop: Promise.resolve() };
      parts.push(part);
      part.loop = keep(spec, markHealthy);
    },
    /** Resolves once every part has been healthy; rejects when the supervisor gives up first. */
    async ready() {
      await Promise.race([
        Promise.all(parts.map((p) => p.healthy)),
        gaveUp.then((error) => Promise.reject(error)),
      ]);
    },
    /** The process id of a part's current run. */
    pid(/** @type {string} */ name) {
      return parts.find((p) => p.spec.name === name)?.run?.pid;
    },
  };
}

/**
 * A part that is a child process (lib/process.mjs), its output lines prefixed with its name.
 * @param {{ name: string, cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv,
 *   healthUrl?: string, stopTimeoutMs?: number, onLine?: (line: string) => void }} o
 * @returns {PartSpec}
 */
export function processPart(o) {
  const prefix = `\x1b[35m[${o.name}]\x1b[0m `;
  const onLine = o.onLine ?? ((line) => process.stdout.write(`${prefix}${line}\n`));
  const { healthUrl } = o;
  return {
    name: o.name,
    isHealthy: healthUrl
      ? async () => (await fetch(healthUrl, { signal: AbortSignal.timeout(2000) })).ok
      : undefined,
    async start() {
      const child = await startProcess({
        cmd: o.cmd,
        args: o.args,
        cwd: o.cwd,
        env: o.env,
        output: { lines: onLine },
        stopGraceMs: o.stopTimeoutMs ?? 15_000,
      });
      return { pid: child.pid, exited: child.exited.then(describeExit), stop: child.stop };
    },
  };
}

/**
 * The Kafka broker a session started (see `ensureStack`), as a part: its first run is the broker
 * already up, later runs start it again.
 * @param {{ handle: import('../infra/kafka.mjs').KafkaHandle,
 *   restart: () => Promise<import('../infra/kafka.mjs').KafkaHandle> }} kafka
 * @returns {PartSpec}
 */
export function brokerPart(kafka) {
  let first = true;
  return {
    name: 'kafka',
    async start() {
      const handle = first ? kafka.handle : await kafka.restart();
      first = false;
      return {
        pid: handle.pid,
        // A broker found answering on restart is someone else's: nothing left to watch.
        exited: handle.exited?.then((code) => `code ${code}`) ?? new Promise(() => {}),
        stop: handle.stop,
      };
    },
  };
}
