// @ts-check
// A real single-node Apache Kafka broker (KRaft: one JVM is controller and broker) as a child of
// this process: reused when one already answers, else configured, formatted, started and awaited.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import getPort from 'get-port';
import { isAlive, tryLock } from '../../lib/lock.mjs';
import { exitCode, startProcess } from '../../lib/process.mjs';
import {
  formatHostPort,
  isPortOpen,
  parseHostPort,
  portHolder,
  sleep,
  tailFile,
  waitFor,
} from '../../lib/util.mjs';
import { fetchKafkaLibs, KAFKA_VERSION, writeSelfIgnore } from './fetch.mjs';
import { findJava, formatStorage, javaArgs, writeServerProperties } from './jvm.mjs';
import { isKafkaAt, probeKafka } from './probe.mjs';

/** A broker starting or stopping accepts connections without answering: give it this long. */
const PORT_SETTLE_MS = 5_000;
/**
 * @typedef {object} EnsureKafkaOptions
 * @property {string} brokers  Bootstrap list as in KAFKA_BROKERS; only the first entry is probed
 *   and used for the local broker's listener.
 * @property {string} rootDir  Repository root; caches go to <rootDir>/.cache.
 * @property {string} [dataDir]  The broker's data folder (default <rootDir>/.cache/kafka-data);
 *   a second broker (e.g. one a test stops and starts) needs its own.
 * @property {(msg: string) => void} log
 * @property {number} [timeoutMs]  How long the launched broker has to become ready (default 90 s;
 *   the one-off Maven download is not counted).
 */

/**
 * @typedef {object} KafkaHandle
 * @property {boolean} started  True if this call launched a broker (and stop() will stop it).
 * @property {() => Promise<void>} stop  Stops the broker we launched (a no-op otherwise) and
 *   resolves once its port is free. Safe to call more than once.
 * @property {Promise<number | null>} [exited]  Only when started: the exit code once the broker
 *   is gone, for whatever reason (128 + n for signal n).
 * @property {number} [pid]  Only when started.
 */

/** @type {KafkaHandle} */
const reused = { started: false, stop: async () => {} };

/**
 * Makes sure a Kafka broker answers at `opts.brokers`, starting a local one if nothing listens.
 * @param {EnsureKafkaOptions} opts
 * @returns {Promise<KafkaHandle>}
 */
export async function ensureKafka(opts) {
  const { rootDir, log } = opts;
  const target = parseHostPort(opts.brokers);
  const address = formatHostPort(target);
  let probe = await probeKafka(address);
  const settleBy = Date.now() + PORT_SETTLE_MS;
  while (probe.state === 'other' && Date.now() < settleBy) {
    await sleep(250);
    probe = await probeKafka(address);
  }
  if (probe.state === 'kafka') {
    log(`Kafka already answers at ${address}; reusing it.`);
    return reused;
  }
  if (probe.state === 'other') {
    throw new Error(
      `Port ${target.port} on ${target.host} is taken by something that is not a Kafka broker ` +
        `(${probe.reason}); it is held by ${portHolder(target.port)}. ` +
        'Stop it or point KAFKA_BROKERS at another port.',
    );
  }

  const dataDir = opts.dataDir ?? path.join(rootDir, '.cache', 'kafka-data');
  await mkdir(dataDir, { recursive: true });
  await writeSelfIgnore(dataDir);
  // Test runners start several processes at once; only one of them may launch the broker on
  // this data dir, the others wait for it and then reuse it.
  const lockFile = path.join(dataDir, '.start.lock');
  for (;;) {
    const owner = await tryLock(lockFile);
    if (owner === null) break;
    log(`Another process (pid ${owner}) is starting Kafka; waiting for it ...`);
    while (isAlive(owner) && existsSync(lockFile)) {
      if (await isKafkaAt(address)) return reused;
      await sleep(500);
    }
    // The owner gave up or died without a broker: try ourselves.
  }
  try {
    // Re-check under the lock: the broker may have come up while we waited.
    if (await isKafkaAt(address)) return reused;
    return await startBroker({
      target,
      rootDir,
      dataDir,
      log,
      timeoutMs: opts.timeoutMs ?? 90_000,
    });
  } finally {
    await rm(lockFile, { force: true });
  }
}

/**
 * @param {{ target: { host: string, port: number }, rootDir: string, dataDir: string,
 *   log: (msg: string) => void, timeoutMs: number }} o
 * @returns {Promise<KafkaHandle>}
 */
async function startBroker({ target, rootDir, dataDir, log, timeoutMs }) {
  const java = await findJava();
  const libsDir = await fetchKafkaLibs({ rootDir, log });
  const address = formatHostPort(target);
  const logFile = path.join(dataDir, 'broker.log');
  const propsFile = path.join(dataDir, 'server.properties');
  const logDirs = path.join(dataDir, 'kraft-combined-logs');
  // The controller listener is internal: port+1 if free (easy to read in `ss`), else any.
  const controllerPort = await getPort({ host: '127.0.0.1', port: target.port + 1 });
  await writeServerProperties(propsFile, target, controllerPort, logDirs);

  // A fresh log per start, so a long-lived dev machine does not fill up; the previous run's is
  // kept once: after a crash and a restart (npm start), it holds why the broker died.
  if (existsSync(logFile)) await rename(logFile, path.join(dataDir, 'broker.previous.log'));
  await writeFile(logFile, '');
  const jvm = javaArgs(libsDir);
  if (!existsSync(path.join(logDirs, 'meta.properties'))) {
    log(`Formatting KRaft storage in ${path.relative(rootDir, logDirs)} ...`);
    await formatStorage(java, jvm, propsFile, logFile);
  }

  const t0 = Date.now();
  log(
    `Starting Kafka ${KAFKA_VERSION} (KRaft) on ${address}, controller on :${controllerPort} ...`,
  );
  const child = await startProcess({
    cmd: java,
    args: [...jvm, 'kafka.Kafka', propsFile],
    output: { file: logFile },
    // SIGTERM, not SIGKILL: after an unclean stop the next start waits ~10 s for the old
    // broker registration's session to expire. A clean shutdown takes well under a second.
    stopGraceMs: 20_000,
  });
  const exited = child.exited.then(exitCode);
  let ready = false;
  let stopping = false;
  void exited.then((code) => {
    if (ready && !stopping) log(`Kafka broker exited unexpectedly (code ${code}); see ${logFile}`);
  });
  /** @type {Promise<void> | undefined} */
  let stopped;
  const stop = () => {
    stopping = true;
    stopped ??= (async () => {
      if (child.running()) log('Stopping Kafka broker ...');
      await child.stop();
      // The JVM can be gone a moment before the kernel releases the socket; callers (a test
      // that restarts the broker) expect the port to be reusable.
      await waitFor(
        `port ${target.port} to be free`,
        async () => !(await isPortOpen(target.host, target.port)),
        {
          timeoutMs: 10_000,
          intervalMs: 100,
        },
      ).catch(() => log(`Kafka broker has exited, but port ${target.port} is still not free.`));
    })();
    return stopped;
  };

  try {
    // Ready means registered and unfenced, i.e. listed in its own metadata, not merely answering.
    await waitFor(
      `Kafka at ${address} (a Metadata answer listing a live broker)`,
      async () => {
        const probe = await probeKafka(address);
        if (probe.state === 'kafka' && probe.brokers > 0) return true;
        throw new Error(
          probe.state === 'other'
            ? probe.reason
            : probe.state === 'closed'
              ? 'port closed'
              : 'no live broker listed yet',
        );
      },
      {
        timeoutMs,
        failed: () => (child.running() ? undefined : 'the Kafka broker exited during start-up'),
        hint: async () =>
          `Last lines of ${logFile}:\n${await tailFile(logFile, 40)}\n` +
          `If the data directory is from an incompatible run, delete ${dataDir} and retry.`,
      },
    );
    ready = true;
  } catch (error) {
    await stop();
    throw error;
  }
  log(
    `Kafka is ready at ${address} after ${((Date.now() - t0) / 1000).toFixed(1)} s (log: ${path.relative(rootDir, logFile)}).`,
  );
  return { started: true, stop, exited, pid: child.pid };
}
