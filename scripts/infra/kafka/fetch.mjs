// @ts-check
// The broker's jars: fetched once from Maven Central with Maven (pom.xml beside this file) into
// <root>/.cache/kafka/<version>/libs, which carries its own `.gitignore`.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from '../../lib/process.mjs';
import { lastLines } from '../../lib/util.mjs';

/**
 * The only place the Kafka version is written. docker-compose uses the
 * `apache/kafka:<KAFKA_VERSION>` image, so keep them in step.
 *
 * Chosen as the newest release on Maven Central that kafkajs 2.2.4 still works against end to
 * end (admin, acks=-1 producer with headers, eachBatch consumer groups with rebalancing,
 * offset/lag queries) — see the compatibility notes in README.md beside this file.
 */
export const KAFKA_VERSION = '4.4.0';

const POM_PATH = path.join(import.meta.dirname, 'pom.xml');
/** Written last into the libs folder; its presence (and content) means "complete". */
const LIBS_MARKER = '.complete.json';

const MAVEN_MISSING =
  'Maven is required to download the local Kafka broker from Maven Central; install it ' +
  '(apt-get install -y maven) or use the Docker path: docker compose up -d';

/**
 * Downloads the broker jars into <rootDir>/.cache/kafka/<version>/libs unless they are already
 * there, and returns that folder.
 * @param {{ rootDir: string, log: (msg: string) => void }} opts
 * @returns {Promise<string>}
 */
export async function fetchKafkaLibs({ rootDir, log }) {
  const versionDir = path.join(rootDir, '.cache', 'kafka', KAFKA_VERSION);
  const libsDir = path.join(versionDir, 'libs');
  // The POM's hash is part of the marker so that changing the logging backend or plugin
  // version in pom.xml invalidates the cache instead of mixing old jars in.
  const pomHash = createHash('sha256')
    .update(await readFile(POM_PATH))
    .digest('hex');
  if (await libsComplete(libsDir, pomHash)) return libsDir;

  if ((await runCommand('mvn', ['-v'])).code !== 0) throw new Error(MAVEN_MISSING);
  await mkdir(versionDir, { recursive: true });
  await writeSelfIgnore(path.join(rootDir, '.cache', 'kafka'));

  // Download next to the final folder and rename at the end, so an interrupted download never
  // looks like a usable (but incomplete) classpath.
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
  const result = await runCommand('mvn', args, { cwd: rootDir });
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

/** @param {string} libsDir @param {string} pomHash */
async function libsComplete(libsDir, pomHash) {
  try {
    const marker = JSON.parse(await readFile(path.join(libsDir, LIBS_MARKER), 'utf8'));
    if (marker.version !== KAFKA_VERSION || marker.pomHash !== pomHash) return false;
    if (!Array.isArray(marker.jars) || marker.jars.length === 0) return false;
    const present = new Set(await readdir(libsDir));
    return marker.jars.every((/** @type {string} */ jar) => present.has(jar));
  } catch {
    return false;
  }
}

/** Makes a cache folder ignore itself, so it stays out of git whatever the repo's .gitignore says. */
export async function writeSelfIgnore(/** @type {string} */ dir) {
  const file = path.join(dir, '.gitignore');
  if (!existsSync(file)) {
    await writeFile(file, '# Created by scripts/infra/kafka: local cache, never commit.\n*\n');
  }
}
