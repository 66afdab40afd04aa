/**
 * `npm run bench` (started by scripts/bench.mjs once the infrastructure is up and the apps are
 * built): runs every scenario `repetitions` times, prints a table and writes
 * results/<timestamp>.json and .md. `--quick`: tiny sizes, for `npm test`. `--out <dir>`:
 * where results go. `--readme`: also replace the table in the top-level README.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { FULL, log, QUICK, sh, tmpDir } from './context';
import { startFor, type Workload } from './data';
import { type Results, renderMarkdown, summarise } from './report';
import {
  ingestToQueryable,
  kafkaStage,
  queryLatency,
  type ThroughputRep,
  throughput,
} from './scenarios';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    readme: { type: 'boolean', default: false },
    // For working on one scenario: e.g. --only pipeline,latency --rate 20000.
    only: { type: 'string' },
    rate: { type: 'string' },
    readings: { type: 'string' },
    repetitions: { type: 'string' },
  },
});
const only = values.only?.split(',');
const runs = (name: string) => !only || only.includes(name);
const base = values.quick ? QUICK : FULL;
const config = {
  ...base,
  repetitions: Number(values.repetitions ?? base.repetitions),
  pipeline: { ...base.pipeline, readings: Number(values.readings ?? base.pipeline.readings) },
};
const root = path.resolve(import.meta.dirname, '../..');
const outDir = path.resolve(values.out ?? path.join(root, 'bench/results'));

async function versions() {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const postgres = (await client.query('show server_version')).rows[0].server_version as string;
  await client.end();
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const info = await redis.info('server');
  redis.disconnect();
  const pkg = (name: string) =>
    JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8'))
      .version as string;
  return {
    node: process.version,
    postgresql: postgres,
    timescaledb: 'not installed (plain PostgreSQL)',
    kafka: process.env.KAFKA_VERSION ?? 'unknown',
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    kcat: (() => {
      const banner = sh('kcat', ['-V']);
      const kcat = /Version (\S+)/.exec(banner)?.[1] ?? 'unknown';
      return `${kcat} (librdkafka ${/librdkafka (\S+)/.exec(banner)?.[1] ?? 'unknown'})`;
    })(),
    kafkajs: pkg('kafkajs'),
    pg: pkg('pg'),
    next: pkg('next'),
    commit: execSync('git rev-parse --short HEAD', { cwd: root, encoding: 'utf8' }).trim(),
  };
}

function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
  };
}

const workload = (
  readings: number,
  stations: number,
  batchSize: number,
  prefix: string,
): Workload => ({
  readings,
  stations,
  batchSize,
  prefix,
  start: startFor(readings, stations),
});

const startedAt = new Date();
log(
  `${config.quick ? 'quick' : 'full'} run, ${config.repetitions} repetitions each; scratch files in ${tmpDir}`,
);

const p = config.pipeline;
const batch = workload(p.readings, p.stations, p.batchSize, 'BENCH');
const pipelineReps = [];
for (let rep = 0; runs('pipeline') && rep < config.repetitions; rep++) {
  const r = await throughput(batch, p.connections, 'bench-batch');
  pipelineReps.push(r);
  log(
    `pipeline rep ${rep + 1}: ${Math.round(r.readingsPerSecond)} readings/s; COPY ${Math.round(r.copyRowsPerSecond)} rows/s; CPU % ${JSON.stringify(r.cpu)}`,
  );
}

const s = config.single;
const single = workload(s.readings, s.stations, 1, 'SINGLE');
const ecowitt: Workload = { ...workload(s.readings, s.stations, 1, 'ECOWITT'), format: 'ecowitt' };
const perRequest = (r: ThroughputRep) =>
  `${Math.round(r.readingsPerSecond)} readings/s (${Math.round(r.acceptedPerSecond)}/s acknowledged; request p50 ${r.requestMs.p50} ms, p99 ${r.requestMs.p99} ms)`;
const singleReps = [];
const ecowittReps = [];
// In turns, so each Ecowitt repetition has its JSON reference measured just before it.
for (let rep = 0; rep < config.repetitions; rep++) {
  if (runs('single')) {
    const r = await throughput(single, s.connections, 'bench-single');
    singleReps.push(r);
    log(`single-reading rep ${rep + 1}: ${perRequest(r)}`);
  }
  if (runs('ecowitt')) {
    const r = await throughput(ecowitt, s.connections, 'bench-ecowitt');
    ecowittReps.push(r);
    const json = singleReps[rep];
    const ratio = json
      ? `; ${(r.readingsPerSecond / json.readingsPerSecond).toFixed(2)}× JSON`
      : '';
    log(`Ecowitt rep ${rep + 1}: ${perRequest(r)}${ratio}`);
  }
}

const kafkaReps = [];
for (let rep = 0; runs('kafka') && rep < config.repetitions; rep++) {
  const r = await kafkaStage(batch, p.connections);
  kafkaReps.push(r);
  log(
    `Kafka stage rep ${rep + 1}: collector ${Math.round(r.collectorReadingsPerSecond)} readings/s; kcat ${Math.round(r.kcatReadingsPerSecond)}`,
  );
}

const partial = summarise({
  config,
  pipelineReps,
  singleReps,
  ecowittReps,
  kafkaReps,
  latencyReps: [],
  queryReps: [],
});
const halfRate = Number(values.rate ?? Math.round(partial.pipeline.readingsPerSecond / 2));
log(`ingest-to-queryable at ${halfRate} readings/s (half the measured maximum)…`);
const latencyReps = runs('latency') ? await ingestToQueryable(config, halfRate) : [];

log('query latency…');
const queryReps = runs('query') ? await queryLatency(config) : [];

const results: Results = {
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  quick: config.quick,
  machine: machine(),
  versions: await versions(),
  config,
  summary: summarise({
    config,
    pipelineReps,
    singleReps,
    ecowittReps,
    kafkaReps,
    latencyReps,
    queryReps,
  }),
  repetitions: {
    pipeline: pipelineReps,
    single: singleReps,
    ecowitt: ecowittReps,
    kafka: kafkaReps,
    latency: latencyReps,
    query: queryReps,
  },
};

mkdirSync(outDir, { recursive: true });
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const markdown = renderMarkdown(results);
writeFileSync(path.join(outDir, `${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(path.join(outDir, `${stamp}.md`), markdown);
process.stdout.write(`\n${markdown}\n`);
log(`wrote ${path.relative(process.cwd(), path.join(outDir, `${stamp}.json`))} and .md`);

if (values.readme) {
  const readme = path.join(root, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${begin} … ${end} section`);
  writeFileSync(readme, `${text.slice(0, from + begin.length)}\n${markdown}${text.slice(to)}`);
  // The repository's formatter pads markdown tables; keep README and results in its style.
  sh('npx', ['biome', 'format', '--write', readme, path.join(outDir, `${stamp}.md`)]);
  log('updated the performance table in README.md');
}
process.exit(0);
