// @ts-check
/**
 * A real single-node Apache Kafka broker (KRaft mode) for local dev and CI,
 * without Docker.
 *
 * The broker jars come from Maven Central via Maven (scripts/infra/kafka/pom.xml)
 * and are cached in <root>/.cache/kafka/<version>/libs; the broker's data lives in
 * <root>/.cache/kafka-data/. Both folders carry their own `.gitignore` (`*`), so
 * they never show up in `git status` even without a rule in the repo's .gitignore.
 *
 * This file must run before `npm install` (CI bootstraps with it), so it uses
 * only node: built-ins. Usage as a module:
 *
 *   const kafka = await ensureKafka({ brokers: '127.0.0.1:9092', rootDir, log: console.log });
 *   ... // kafka.started is false if a broker was already running there
 *   await kafka.stop();   // no-op when we did not start it
 *
 * and as a CLI:
 *
 *   node scripts/infra/kafka.mjs start   # start (or reuse) and stay in foreground until Ctrl-C
 *   node scripts/infra/kafka.mjs fetch   # only download the jars into the cache
 *   node scripts/infra/kafka.mjs status  # exit 0 if a broker answers at KAFKA_BROKERS
 *
 * Lifetime: the broker is a child of the calling Node process. It is started
 * through `setpriv --pdeathsig SIGTERM` (util-linux, present on Debian/Ubuntu),
 * so the kernel stops it even if the parent is SIGKILLed. Where setpriv is
 * missing, only a normal exit of the parent (process 'exit' hook) or a terminal
 * Ctrl-C (same process group) takes it down; a SIGKILLed parent then leaves the
 * broker running, and the next ensureKafka() simply reuses it.
 */

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, realpathSync } from 'node:fs';
import {
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import net from 'node:net';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The only place the Kafka version is written. docker-compose uses the
 * `apache/kafka:<KAFKA_VERSION>` image, so keep them in step.
 *
 * Chosen as the newest release on Maven Central that kafkajs 2.2.4 still works
 * against end to end (admin, acks=-1 producer with headers, eachBatch consumer
 * groups with rebalancing, offset/lag queries) — see the compatibility notes in
 * scripts/infra/kafka/README.md.
 */
export const KAFKA_VERSION = '4.4.0';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const KAFKA_DIR = path.join(HERE, 'kafka');
const POM_PATH = path.join(KAFKA_DIR, 'pom.xml');
const LOG4J_CONFIG = path.join(KAFKA_DIR, 'log4j2.xml');
const PROPERTIES_TEMPLATE = path.join(KAFKA_DIR, 'server.properties.template');

/** Written last into the libs folder; its presence (and content) means "complete". */
const LIBS_MARKER = '.complete.json';
/** Modest heap: the CI machine has 2 cores and the app, tests and broker share it. */
const JVM_OPTS = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];
const DEFAULT_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 20_000;
const PROBE_TIMEOUT_MS = 2_000;
const PORT_SETTLE_MS = 5_000;
const STOP_ON_EXIT_MS = 5_000;

const API_KEY_METADATA = 3;
const API_KEY_API_VERSIONS = 18;

const JAVA_MISSING =
  'Java 17+ is required to run the local Kafka broker; install a JDK ' +
  '(apt-get install -y default-jre-headless) or use the Docker path: docker compose up -d';
const MAVEN_MISSING =
  'Maven is required to download the local Kafka broker from Maven Central; install it ' +
  '(apt-get install -y maven) or use the Docker path: docker compose up -d';

/**
 * @typedef {object} EnsureKafkaOptions
 * @property {string} brokers  Bootstrap list as in KAFKA_BROKERS, e.g. "127.0.0.1:9092".
 *   Only the first entry is probed and used for the local broker's listener.
 * @property {string} rootDir  Repository root; caches go to <rootDir>/.cache.
 * @property {string} [dataDir]  The broker's data folder (default <rootDir>/.cache/kafka-data);
 *   a second broker (e.g. one a test stops and starts) needs its own.
 * @property {(msg: string) => void} log
 * @property {number} [timeoutMs]  How long to wait for the broker to become ready
 *   once its JVM is launched (default 90 s). The one-off Maven download is not
 *   counted against it.
 */

/**
 * @typedef {object} KafkaHandle
 * @property {boolean} started  True if this call launched a broker (and stop() will stop it).
 * @property {() => Promise<void>} stop  Stops the broker we launched; a no-op otherwise.
 *   Safe to call more than once.
 * @property {Promise<number | null>} [exited]  Only when started: settles with the
 *   exit code once the broker process is gone, for whatever reason.
 * @property {number} [pid]  Only when started: the broker's process id.
 */

/**
 * @typedef {{ host: string, port: number }} HostPort
 * @typedef {{ apiKey: number, min: number, max: number }} ApiRange
 * @typedef {{ state: 'kafka', apis: ApiRange[] }
 *   | { state: 'closed', code: string }
 *   | { state: 'other', reason: string, answered: boolean }} ProbeResult
 *   `answered`: something replied with bytes that are not Kafka (as opposed to
 *   accepting and staying silent, which a starting or stopping broker also does).
 */

/**
 * Makes sure a Kafka broker answers at `opts.brokers`, starting a local one if
 * nothing listens there.
 *
 * @param {EnsureKafkaOptions} opts
 * @returns {Promise<KafkaHandle>}
 */
export async function ensureKafka(opts) {
  const { rootDir, log } = opts;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const target = parseBrokers(opts.brokers);

  let probe = await probeKafka(target);
  // A broker that is starting up or shutting down may accept connections
  // without answering; give it a moment before calling the port taken.
  const settleBy = Date.now() + PORT_SETTLE_MS;
  while (probe.state === 'other' && !probe.answered && Date.now() < settleBy) {
    await sleep(250);
    probe = await probeKafka(target);
  }
  if (probe.state === 'kafka') {
    log(`Kafka already answers at ${fmt(target)}; reusing it.`);
    return { started: false, stop: async () => {} };
  }
  if (probe.state === 'other') {
    throw new Error(
      `Port ${target.port} on ${target.host} is taken by something that is not a Kafka broker ` +
        `(${probe.reason}); it is held by ${await describeListener(target.port)}. ` +
        `Stop it or point KAFKA_BROKERS at another port.`,
    );
  }

  const dataDir = opts.dataDir ?? path.join(rootDir, '.cache', 'kafka-data');
  await mkdir(dataDir, { recursive: true });
  await writeSelfIgnore(dataDir);

  // Test runners start several processes at once (node --test runs files in
  // parallel); only one of them may launch the broker on this data dir, the
  // others wait for it and then reuse it.
  const lockFile = path.join(dataDir, '.start.lock');
  for (;;) {
    const owner = await tryLock(lockFile);
    if (owner === null) break;
    log(`Another process (pid ${owner}) is starting Kafka; waiting for it ...`);
    while (isAlive(owner) && existsSync(lockFile)) {
      if (await isKafkaAt(opts.brokers)) {
        log(`Kafka is now up at ${fmt(target)}; reusing it.`);
        return { started: false, stop: async () => {} };
      }
      await sleep(500);
    }
    // The owner gave up or died without a broker: try ourselves.
  }
  try {
    // Re-check under the lock: the broker may have come up while we waited.
    if (await isKafkaAt(opts.brokers)) {
      log(`Kafka is now up at ${fmt(target)}; reusing it.`);
      return { started: false, stop: async () => {} };
    }
    return await startBroker({ target, rootDir, dataDir, log, timeoutMs });
  } finally {
    await rm(lockFile, { force: true });
  }
}

/**
 * @param {{ target: HostPort, rootDir: string, dataDir: string, log: (msg: string) => void, timeoutMs: number }} o
 * @returns {Promise<KafkaHandle>}
 */
async function startBroker({ target, rootDir, dataDir, log, timeoutMs }) {
  const java = await findJava();
  const libsDir = await fetchKafkaLibs({ rootDir, log });

  const logFile = path.join(dataDir, 'broker.log');
  const propsFile = path.join(dataDir, 'server.properties');
  const logDirs = path.join(dataDir, 'kraft-combined-logs');

  const controllerPort = await pickControllerPort(target);
  await writeServerProperties(propsFile, target, controllerPort, logDirs);

  // A fresh log per start: it is for diagnosing this run, and unbounded appends
  // would slowly fill a long-lived dev machine. The previous run's log is kept
  // once: after a crash and a restart (npm start), it holds why the broker died.
  if (existsSync(logFile)) await rename(logFile, path.join(dataDir, 'broker.previous.log'));
  await writeFile(logFile, '');
  const classpath = `${libsDir}${path.sep}*`;
  const javaArgs = [...JVM_OPTS, `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`, '-cp', classpath];

  if (!existsSync(path.join(logDirs, 'meta.properties'))) {
    log(`Formatting KRaft storage in ${path.relative(rootDir, logDirs)} ...`);
    await formatStorage(java, javaArgs, propsFile, logFile);
  }

  const t0 = Date.now();
  log(
    `Starting Kafka ${KAFKA_VERSION} (KRaft) on ${fmt(target)}, controller on :${controllerPort} ...`,
  );
  const child = await launchBroker(java, [...javaArgs, 'kafka.Kafka', propsFile], logFile);

  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) =>
      resolve(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : null)),
    );
  });
  // An exit during start-up is reported by waitUntilReady (with the log tail).
  let ready = false;
  let stopping = false;
  void exited.then((code) => {
    process.off('exit', stopOnParentExit);
    if (ready && !stopping) log(`Kafka broker exited unexpectedly (code ${code}); see ${logFile}`);
  });
  // Safety net for a parent that exits without calling stop(). SIGTERM, not
  // SIGKILL: after an unclean stop the next start waits ~10 s for the old broker
  // registration's session to expire. 'exit' handlers must be synchronous, so we
  // block briefly (a clean shutdown takes well under a second) until the JVM is
  // gone; otherwise a run started right after this process could find the
  // still-stopping broker, "reuse" it and lose it a moment later.
  function stopOnParentExit() {
    child.kill('SIGTERM');
    const pid = child.pid ?? 0;
    const deadline = Date.now() + STOP_ON_EXIT_MS;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (isRunningSync(pid) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 50);
    if (isRunningSync(pid)) child.kill('SIGKILL');
  }
  process.on('exit', stopOnParentExit);

  /** @type {Promise<void> | undefined} */
  let stopPromise;
  const stop = () => {
    stopping = true;
    stopPromise ??= stopBroker(child, exited, target, log);
    return stopPromise;
  };

  try {
    await waitUntilReady(target, exited, timeoutMs, logFile);
    ready = true;
  } catch (err) {
    await stop();
    throw err;
  }
  log(
    `Kafka is ready at ${fmt(target)} after ${((Date.now() - t0) / 1000).toFixed(1)} s (log: ${path.relative(rootDir, logFile)}).`,
  );
  return { started: true, stop, exited, pid: child.pid };
}

/**
 * True if a Kafka broker answers a real ApiVersions request at the first
 * address of `brokers` (not merely an open port).
 *
 * @param {string} brokers e.g. "127.0.0.1:9092" or "host:9092,host2:9092"
 * @returns {Promise<boolean>}
 */
export async function isKafkaAt(brokers) {
  return (await probeKafka(parseBrokers(brokers))).state === 'kafka';
}

/**
 * Downloads the broker jars into <rootDir>/.cache/kafka/<version>/libs unless
 * they are already there, and returns that folder.
 *
 * @param {{ rootDir: string, log: (msg: string) => void }} opts
 * @returns {Promise<string>}
 */
export async function fetchKafkaLibs({ rootDir, log }) {
  const versionDir = path.join(rootDir, '.cache', 'kafka', KAFKA_VERSION);
  const libsDir = path.join(versionDir, 'libs');
  // The POM's hash is part of the marker so that changing the logging backend or
  // plugin version in pom.xml invalidates the cache instead of mixing old jars in.
  const pomHash = createHash('sha256')
    .update(await readFile(POM_PATH))
    .digest('hex');
  if (await libsComplete(libsDir, pomHash)) return libsDir;

  const mvn = await findExecutable('mvn', ['-v'], MAVEN_MISSING);
  await mkdir(versionDir, { recursive: true });
  await writeSelfIgnore(path.join(rootDir, '.cache', 'kafka'));

  // Download next to the final folder and rename at the end, so an interrupted
  // download never looks like a usable (but incomplete) classpath.
  const tmpDir = path.join(versionDir, `libs.tmp-${process.pid}`);
  await rm(tmpDir, { recursive: true, force: true });
  log(
    `Downloading Kafka ${KAFKA_VERSION} jars from Maven Central (one-off, cached in ${path.relative(rootDir, libsDir)}) ...`,
  );
  const t0 = Date.now();
  const args = [
    '-q',
    '-B',
    '-Dstyle.color=never',
    '-f',
    POM_PATH,
    'dependency:copy-dependencies',
    `-Dkafka.version=${KAFKA_VERSION}`,
    `-DoutputDirectory=${tmpDir}`,
    '-DincludeScope=runtime',
  ];
  const result = await run(mvn, args, { cwd: rootDir });
  if (result.code !== 0) {
    await rm(tmpDir, { recursive: true, force: true });
    throw new Error(
      `Maven could not fetch Kafka ${KAFKA_VERSION} (exit ${result.code}): mvn ${args.join(' ')}\n` +
        lastLines(result.output, 30),
    );
  }
  const jars = (await readdir(tmpDir)).filter((f) => f.endsWith('.jar')).sort();
  if (!jars.some((j) => j.startsWith(`kafka_2.13-${KAFKA_VERSION}`))) {
    throw new Error(`Maven finished but ${tmpDir} has no kafka_2.13-${KAFKA_VERSION}.jar`);
  }
  await writeFile(
    path.join(tmpDir, LIBS_MARKER),
    `${JSON.stringify({ version: KAFKA_VERSION, pomHash, jars }, null, 2)}\n`,
  );
  await rm(libsDir, { recursive: true, force: true });
  await rename(tmpDir, libsDir);
  log(`Fetched ${jars.length} jars in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
  return libsDir;
}

// ---------------------------------------------------------------------------
// Broker process
// ---------------------------------------------------------------------------

/**
 * @param {string} java
 * @param {string[]} args
 * @param {string} logFile
 */
async function launchBroker(java, args, logFile) {
  const fd = openSync(logFile, 'a');
  try {
    // setpriv (which then execs java) makes the kernel kill the broker when this
    // process dies, however it dies (including SIGKILL), which a Node 'exit'
    // hook cannot cover.
    const setpriv = await which('setpriv');
    const [cmd, argv] = setpriv
      ? [setpriv, ['--pdeathsig', 'SIGTERM', '--', java, ...args]]
      : [java, args];
    const child = spawn(cmd, argv, { stdio: ['ignore', fd, fd], detached: false });
    await new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return child;
  } finally {
    closeSync(fd); // the child holds its own copy
  }
}

/**
 * @param {import('node:child_process').ChildProcess} child
 * @param {Promise<number | null>} exited
 * @param {HostPort} target
 * @param {(msg: string) => void} log
 */
async function stopBroker(child, exited, target, log) {
  if (child.exitCode === null && child.signalCode === null) {
    log('Stopping Kafka broker ...');
    child.kill('SIGTERM');
    // The grace timer must be cleared, not raced and forgotten: a pending 20 s
    // timer would keep the caller's process alive long after the broker is gone.
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const gone = await Promise.race([
      exited.then(() => true),
      new Promise((resolve) => {
        timer = setTimeout(resolve, STOP_GRACE_MS, false);
      }),
    ]);
    clearTimeout(timer);
    if (!gone) {
      log(`Kafka broker did not stop within ${STOP_GRACE_MS / 1000} s; killing it.`);
      child.kill('SIGKILL');
      await exited;
    }
  }
  // The JVM can be gone a moment before the kernel releases the socket; callers
  // (e.g. a test that restarts the broker) expect the port to be reusable.
  const deadline = Date.now() + 10_000;
  while ((await probeKafka(target)).state !== 'closed') {
    if (Date.now() > deadline) {
      log(`Kafka broker has exited, but port ${target.port} is still not free.`);
      return;
    }
    await sleep(100);
  }
}

/**
 * @param {HostPort} target
 * @param {Promise<number | null>} exited
 * @param {number} timeoutMs
 * @param {string} logFile
 */
async function waitUntilReady(target, exited, timeoutMs, logFile) {
  /** @type {number | null | undefined} */
  let exitCode;
  void exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(
        `Kafka broker exited with code ${exitCode} during start-up. Last lines of ${logFile}:\n` +
          (await tailFile(logFile, 40)) +
          `\nIf the data directory is from an incompatible run, delete ${path.dirname(logFile)} and retry.`,
      );
    }
    const probe = await probeKafka(target);
    if (probe.state === 'kafka') {
      // ApiVersions is answered as soon as the listener is open; the broker is
      // only usable once it is registered and unfenced, which is when it lists
      // itself in a Metadata response.
      const brokers = await metadataBrokerCount(target, probe.apis).catch((e) => {
        last = `Metadata request failed: ${e.message}`;
        return -1;
      });
      if (brokers > 0) return;
      if (brokers === 0) last = 'ApiVersions answered, but Metadata lists no live broker yet';
    } else {
      last = probe.state === 'closed' ? `port closed (${probe.code})` : probe.reason;
    }
    await sleep(250);
  }
  throw new Error(
    `Kafka did not become ready at ${fmt(target)} within ${timeoutMs / 1000} s ` +
      `(waited for an ApiVersions answer and a Metadata response listing a live broker; last: ${last}). ` +
      `Last lines of ${logFile}:\n${await tailFile(logFile, 40)}`,
  );
}

/**
 * @param {string} java
 * @param {string[]} javaArgs
 * @param {string} propsFile
 * @param {string} logFile
 */
async function formatStorage(java, javaArgs, propsFile, logFile) {
  // Same shape as `kafka-storage.sh random-uuid`: 16 random bytes, base64url.
  const clusterId = randomBytes(16).toString('base64url');
  const args = [
    ...javaArgs,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId,
    '-c',
    propsFile,
    '--ignore-formatted',
  ];
  const result = await run(java, args, {});
  await writeFile(logFile, `# StorageTool format (exit ${result.code})\n${result.output}\n`, {
    flag: 'a',
  });
  if (result.code !== 0) {
    throw new Error(
      `Formatting the KRaft storage failed (exit ${result.code}):\n${lastLines(result.output, 30)}`,
    );
  }
}

/**
 * @param {string} file
 * @param {HostPort} target
 * @param {number} controllerPort
 * @param {string} logDirs
 */
async function writeServerProperties(file, target, controllerPort, logDirs) {
  // A wildcard bind address cannot be advertised to clients.
  const advertised = target.host === '0.0.0.0' || target.host === '::' ? '127.0.0.1' : target.host;
  /** @type {Record<string, string>} */
  const values = {
    HOST: target.host,
    PORT: String(target.port),
    ADVERTISED_HOST: advertised,
    CONTROLLER_HOST: '127.0.0.1',
    CONTROLLER_PORT: String(controllerPort),
    LOG_DIRS: logDirs,
  };
  const template = await readFile(PROPERTIES_TEMPLATE, 'utf8');
  const text = template.replace(/\{\{([A-Z_]+)\}\}/g, (m, /** @type {string} */ key) => {
    const value = /** @type {Record<string, string>} */ (values)[key];
    if (value === undefined) throw new Error(`Unknown placeholder ${m} in ${PROPERTIES_TEMPLATE}`);
    return value;
  });
  await writeFile(
    file,
    `# Generated by scripts/infra/kafka.mjs from ${path.basename(PROPERTIES_TEMPLATE)}; do not edit.\n${text}`,
  );
}

/**
 * The controller listener is internal, so any free port will do; port+1 is
 * preferred because it makes `ss` output easy to read (9092 -> 9093).
 *
 * @param {HostPort} target
 */
async function pickControllerPort(target) {
  const preferred = target.port + 1;
  if (preferred <= 65535 && (await canListen('127.0.0.1', preferred))) return preferred;
  return await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(addr.port));
    });
  });
}

// ---------------------------------------------------------------------------
// Kafka wire protocol (just enough for a liveness/readiness probe)
// ---------------------------------------------------------------------------

/**
 * Sends an ApiVersions v0 request and validates the answer strictly enough
 * that an HTTP server, a database or a half-open port is not mistaken for Kafka.
 * v0 is used because every broker since 0.10 answers it: even one that has
 * dropped v0 replies in v0 format with UNSUPPORTED_VERSION and its API list.
 *
 * @param {HostPort} target
 * @returns {Promise<ProbeResult>}
 */
async function probeKafka(target) {
  const correlationId = 0x4b61666b; // arbitrary, checked in the reply
  let resp;
  try {
    resp = await kafkaRequest(target, API_KEY_API_VERSIONS, 0, correlationId, Buffer.alloc(0));
  } catch (err) {
    const e = /** @type {NodeJS.ErrnoException & { probe?: string }} */ (err);
    if (e.probe === 'connect') return { state: 'closed', code: e.code ?? e.message };
    return { state: 'other', reason: e.message, answered: e.probe === 'garbage' };
  }
  // v0 body: error_code int16, api_keys [api_key int16, min int16, max int16]
  if (resp.length < 6) {
    return {
      state: 'other',
      reason: `short ApiVersions reply (${resp.length} bytes)`,
      answered: true,
    };
  }
  const errorCode = resp.readInt16BE(0);
  const count = resp.readInt32BE(2);
  if (count < 1 || count > 1000 || resp.length !== 6 + count * 6) {
    return {
      state: 'other',
      reason: 'reply is not a well-formed ApiVersions response',
      answered: true,
    };
  }
  if (errorCode !== 0 && errorCode !== 35 /* UNSUPPORTED_VERSION */) {
    return { state: 'other', reason: `ApiVersions error code ${errorCode}`, answered: true };
  }
  /** @type {ApiRange[]} */
  const apis = [];
  for (let i = 0; i < count; i++) {
    const o = 6 + i * 6;
    apis.push({
      apiKey: resp.readInt16BE(o),
      min: resp.readInt16BE(o + 2),
      max: resp.readInt16BE(o + 4),
    });
  }
  if (!apis.some((a) => a.apiKey === API_KEY_API_VERSIONS)) {
    return {
      state: 'other',
      reason: 'ApiVersions reply does not list ApiVersions itself',
      answered: true,
    };
  }
  return { state: 'kafka', apis };
}

/**
 * Number of live (registered, unfenced) brokers in a Metadata response for no
 * topics. Uses the newest non-flexible Metadata version (1..8) both sides know,
 * so the encoding stays trivial.
 *
 * @param {HostPort} target
 * @param {ApiRange[]} apis
 */
async function metadataBrokerCount(target, apis) {
  const range = apis.find((a) => a.apiKey === API_KEY_METADATA);
  if (!range) throw new Error('broker does not list the Metadata API');
  const version = Math.min(8, range.max);
  if (version < Math.max(1, range.min))
    throw new Error(`no usable Metadata version (broker: ${range.min}-${range.max})`);
  // topics: empty array (not null, which would mean "all topics")
  const parts = [int32(0)];
  if (version >= 4) parts.push(Buffer.from([0])); // allow_auto_topic_creation
  if (version >= 8) parts.push(Buffer.from([0, 0])); // include_{cluster,topic}_authorized_operations
  const resp = await kafkaRequest(target, API_KEY_METADATA, version, 7, Buffer.concat(parts));
  const offset = version >= 3 ? 4 : 0; // throttle_time_ms comes first from v3
  if (resp.length < offset + 4) throw new Error('short Metadata reply');
  return resp.readInt32BE(offset);
}

/**
 * One request/response round trip with a non-flexible (v1) request header.
 * Resolves with the response body after the correlation id.
 *
 * @param {HostPort} target
 * @param {number} apiKey
 * @param {number} apiVersion
 * @param {number} correlationId
 * @param {Buffer} body
 * @returns {Promise<Buffer>}
 */
function kafkaRequest(target, apiKey, apiVersion, correlationId, body) {
  const clientId = Buffer.from('kafka-mjs-probe');
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  const payload = Buffer.concat([header, clientId, body]);
  const request = Buffer.concat([int32(payload.length), payload]);

  return new Promise((resolve, reject) => {
    let connected = false;
    /** @type {Buffer[]} */
    const chunks = [];
    let received = 0;
    const socket = net.connect({ host: target.host, port: target.port });
    /** @param {string} message @param {string} [code] */
    const fail = (message, code) => {
      socket.destroy();
      const probe = !connected ? 'connect' : received > 0 ? 'garbage' : 'silent';
      reject(Object.assign(new Error(message), { code, probe }));
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () =>
      fail(
        connected ? 'accepted the connection but sent no Kafka reply' : 'connect timed out',
        'ETIMEDOUT',
      ),
    );
    socket.once('error', (/** @type {NodeJS.ErrnoException} */ e) => fail(e.message, e.code));
    socket.once('connect', () => {
      connected = true;
      socket.write(request);
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      received += chunk.length;
      const buf = Buffer.concat(chunks, received);
      if (buf.length < 4) return;
      const size = buf.readInt32BE(0);
      // A text protocol's first bytes ("HTTP", "SSH-") decode as a huge size.
      if (size < 4 || size > 1 << 20) return fail('reply is not a Kafka frame');
      if (buf.length < 4 + size) return;
      socket.destroy();
      if (buf.readInt32BE(4) !== correlationId)
        return reject(
          Object.assign(new Error('reply has the wrong correlation id'), { probe: 'garbage' }),
        );
      resolve(buf.subarray(8, 4 + size));
    });
    socket.once('end', () => fail('closed the connection without a Kafka reply'));
  });
}

/** @param {number} n */
function int32(n) {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

/**
 * @param {string} brokers
 * @returns {HostPort}
 */
function parseBrokers(brokers) {
  const first = ((brokers ?? '').split(',')[0] ?? '').trim().replace(/^[a-z]+:\/\//i, '');
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(first);
  if (!m)
    throw new Error(
      `Cannot parse Kafka brokers "${brokers}"; expected host:port, e.g. 127.0.0.1:9092`,
    );
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new Error(`Invalid Kafka port in "${brokers}"`);
  return { host: m[1] ?? m[2] ?? '', port };
}

/** @param {HostPort} t */
function fmt(t) {
  return t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
}

/**
 * Names the process listening on `port`, for a useful "port taken" error.
 * @param {number} port
 */
async function describeListener(port) {
  const ss = await run('ss', ['-ltnpH']).catch(() => null);
  if (ss && ss.code === 0) {
    const line = ss.output.split('\n').find((l) => l.trim().split(/\s+/)[3]?.endsWith(`:${port}`));
    if (line) {
      const users = /users:\(\((.*)\)\)/.exec(line);
      if (users) {
        const procs = [...(users[1] ?? '').matchAll(/"([^"]+)",pid=(\d+)/g)].map(
          (p) => `${p[1]} (pid ${p[2]})`,
        );
        if (procs.length) return procs.join(', ');
      }
      return `a process ss cannot name (listening as "${line.trim().split(/\s+/)[3]}"; try: sudo ss -ltnp 'sport = :${port}')`;
    }
  }
  return `an unknown process (try: ss -ltnp 'sport = :${port}' or lsof -i :${port})`;
}

async function findJava() {
  const javaHome = process.env.JAVA_HOME;
  const java =
    javaHome && existsSync(path.join(javaHome, 'bin', 'java'))
      ? path.join(javaHome, 'bin', 'java')
      : 'java';
  const result = await run(java, ['-version']).catch(() => null);
  if (result?.code !== 0) throw new Error(JAVA_MISSING);
  // "openjdk version "17.0.15" 2025-04-15" / "java version "1.8.0_392""
  const m = /version "(\d+)(?:\.(\d+))?/.exec(result.output);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : 0;
  if (major < 17) {
    throw new Error(
      `${JAVA_MISSING}\n(found: ${result.output.split('\n')[0]?.trim() || 'unknown version'} at ${java})`,
    );
  }
  return java;
}

/**
 * @param {string} cmd
 * @param {string[]} versionArgs
 * @param {string} missingMessage
 */
async function findExecutable(cmd, versionArgs, missingMessage) {
  const result = await run(cmd, versionArgs).catch(() => null);
  if (result?.code !== 0) throw new Error(missingMessage);
  return cmd;
}

/** @param {string} cmd */
async function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

/**
 * Runs a command to completion, collecting stdout and stderr interleaved.
 * Rejects only if the command cannot be started at all.
 *
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string }} [opts]
 * @returns {Promise<{ code: number | null, output: string }>}
 */
function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    /** @type {Buffer[]} */
    const out = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => out.push(d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output: Buffer.concat(out).toString('utf8') }));
  });
}

/**
 * @param {string} libsDir
 * @param {string} pomHash
 */
async function libsComplete(libsDir, pomHash) {
  try {
    const marker = JSON.parse(await readFile(path.join(libsDir, LIBS_MARKER), 'utf8'));
    if (
      marker.version !== KAFKA_VERSION ||
      marker.pomHash !== pomHash ||
      !Array.isArray(marker.jars)
    )
      return false;
    const present = new Set(await readdir(libsDir));
    return marker.jars.length > 0 && marker.jars.every((/** @type {string} */ j) => present.has(j));
  } catch {
    return false;
  }
}

/**
 * Makes a cache folder ignore itself, so it stays out of git whatever the
 * repo's .gitignore says.
 * @param {string} dir
 */
async function writeSelfIgnore(dir) {
  const file = path.join(dir, '.gitignore');
  if (!existsSync(file))
    await writeFile(file, '# Created by scripts/infra/kafka.mjs: local cache, never commit.\n*\n');
}

/**
 * Creates `lockFile` holding our pid. Returns null when we own it, else the pid
 * of the live process that does. A lock left by a dead process is taken over.
 * @param {string} lockFile
 * @returns {Promise<number | null>}
 */
async function tryLock(lockFile) {
  // link() publishes the lock file with its content atomically, so a racing
  // reader never sees an empty (pid-less) lock and mistakes it for stale.
  const tmp = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, String(process.pid));
  try {
    for (;;) {
      try {
        await link(tmp, lockFile);
        return null;
      } catch (err) {
        if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
      }
      const owner = Number(await readFile(lockFile, 'utf8').catch(() => ''));
      // Our own pid means a concurrent ensureKafka() in this process holds it.
      if (owner && isAlive(owner)) return owner;
      await rm(lockFile, { force: true });
    }
  } finally {
    await rm(tmp, { force: true });
  }
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
}

/**
 * Whether a child process is still running, without the event loop (usable in
 * a process 'exit' handler). Node cannot reap children there, so a finished
 * child lingers as a zombie: that counts as gone, its sockets are closed.
 * Without /proc (not Linux) this answers false, i.e. no waiting.
 * @param {number} pid
 */
function isRunningSync(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "<pid> (<comm>) <state> ...": comm may itself contain parentheses.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** @param {string} host @param {number} port */
function canListen(host, port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/**
 * @param {string} file
 * @param {number} n
 */
async function tailFile(file, n) {
  try {
    const fh = await open(file, 'r');
    try {
      const { size } = await stat(file);
      const len = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, size - len);
      return lastLines(buf.toString('utf8'), n) || '(log is empty)';
    } finally {
      await fh.close();
    }
  } catch {
    return '(log file not readable)';
  }
}

/** @param {string} text @param {number} n */
function lastLines(text, n) {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

async function main() {
  const [command] = process.argv.slice(2);
  const rootDir = path.resolve(HERE, '..', '..');
  const brokers = process.env.KAFKA_BROKERS || '127.0.0.1:9092';
  /** @param {string} msg */
  const log = (msg) => process.stdout.write(`[kafka] ${msg}\n`);

  switch (command) {
    case 'fetch': {
      const libs = await fetchKafkaLibs({ rootDir, log });
      log(`Kafka ${KAFKA_VERSION} jars are in ${path.relative(rootDir, libs)}.`);
      return;
    }
    case 'status': {
      const up = await isKafkaAt(brokers);
      log(up ? `Kafka answers at ${brokers}.` : `No Kafka broker at ${brokers}.`);
      process.exitCode = up ? 0 : 1;
      return;
    }
    case 'start': {
      const kafka = await ensureKafka({ brokers, rootDir, log });
      if (!kafka.started) return; // someone else owns that broker; nothing to keep alive
      log('Press Ctrl-C to stop.');
      let stopping = false;
      /** @param {NodeJS.Signals} signal */
      const onSignal = (signal) => {
        stopping = true;
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        log(`${signal} received.`);
        kafka.stop().then(
          () => process.exit(0),
          (err) => {
            console.error(err);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const code = await kafka.exited;
      // If we are stopping, the signal handler exits once the port is free.
      if (!stopping) process.exitCode = code || 1;
      return;
    }
    default:
      console.error(
        'Usage: node scripts/infra/kafka.mjs <start|fetch|status>\n' +
          '  start   start a local Kafka broker at $KAFKA_BROKERS (default 127.0.0.1:9092), or reuse one; Ctrl-C stops it\n' +
          '  fetch   only download the broker jars into .cache/kafka\n' +
          '  status  exit 0 if a Kafka broker answers at $KAFKA_BROKERS',
      );
      process.exitCode = 2;
  }
}

const invokedDirectly = (() => {
  try {
    return (
      process.argv[1] !== undefined &&
      pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url
    );
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  main().catch((err) => {
    console.error(`[kafka] ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
}
