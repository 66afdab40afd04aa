import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { issueToken } from '@weather/core/tokens';
import {
  addCredential,
  registerStation,
  rowsOf,
  stationHealthFacts,
  timeseriesQuery,
} from '@weather/db';
import {
  createPipeline,
  freePort,
  type Pipeline,
  postBatch,
  stats,
  uniqueReadings,
  until,
} from '@weather/test-kit';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { type BenchConfig, brokers, log, meterFor, sh, tmpDir } from './context';
import { machineMeter } from './cpu';
import { COPY_COLUMNS, csvLines, startFor, stationId, type Workload } from './data';
import { startDriver } from './driver-client';
import { percentile } from './stats';

const quiet = { LOG_LEVEL: 'warn' };

/** The apps' builds; BENCH_CPU_PROF=<dir> makes them write V8 CPU profiles there on exit. */
const apps = (label: string) =>
  createPipeline(label, {
    built: true,
    nodeArgs: process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [],
  });

/**
 * One batch from stations no scenario counts (test-kit's `ST-…` readings): JIT warm-up, and
 * proof the consumer has joined.
 */
async function warmUp(pipeline: Pipeline, collectorUrl: string, consumerUrl?: string) {
  const records = uniqueReadings(1000, 100);
  const { status } = await postBatch(collectorUrl, records, pipeline.ingestHeaders);
  if (status !== 202) throw new Error(`warm-up batch answered ${status}`);
  if (consumerUrl) {
    await until('the warm-up batch to be stored', async () => {
      return (await stats(consumerUrl)).inserted >= records.length;
    });
  }
  return records.length;
}

async function countRows(pipeline: Pipeline, table = 'weather_readings') {
  const rows = rowsOf<{ n: number }>(
    await pipeline.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`)),
  );
  return rows[0]?.n ?? 0;
}

export interface ThroughputRep {
  readings: number;
  seconds: number;
  readingsPerSecond: number;
  /** Readings the collector acknowledged per second, first request to last answer. */
  acceptedPerSecond: number;
  /** Per request, closed loop (`connections` in flight): the collector's answer time under load. */
  requestMs: { p50: number; p99: number; max: number };
  /** COPY of the same rows into an identical empty table, same database. */
  copySeconds: number;
  copyRowsPerSecond: number;
  cpu: Record<string, number>;
  machineCpu: number;
  statuses: Record<string, number>;
}

/**
 * N readings through collector → Kafka → consumer → PostgreSQL, timed from the first request
 * until the consumer has committed the last row; then the row count is checked exactly and the
 * same rows are loaded with COPY into an identical empty table as the reference.
 */
export async function throughput(
  workload: Workload,
  connections: number,
  label: string,
): Promise<ThroughputRep> {
  const pipeline = await apps(label);
  let driver: Awaited<ReturnType<typeof startDriver>> | undefined;
  try {
    // Before the collector starts, so the registry view it loads has them.
    const stationTokens =
      workload.format === 'ecowitt' ? await issueStationTokens(pipeline, workload) : undefined;
    const collector = await pipeline.collector(quiet);
    const consumer = await pipeline.consumer(quiet);
    const warm = await warmUp(pipeline, collector.url, consumer.url);
    driver = await startDriver({
      url: collector.url,
      // Firmware has its station's token in the path, and no other credential.
      headers: stationTokens ? {} : pipeline.ingestHeaders,
      workload,
      stationTokens,
      connections,
    });
    const meter = meterFor({
      collector: collector.pid,
      consumer: consumer.pid,
      driver: driver.pid,
    });
    const machine = machineMeter();
    meter.start();
    machine.start();
    const driving = driver.go();
    const target = warm + workload.readings;
    let inserted = 0;
    while (inserted < target) {
      await sleep(50);
      inserted = (await stats(consumer.url)).inserted;
    }
    const doneAt = Date.now();
    const cpu = meter.stop();
    const machineCpu = machine.stop();
    const result = await driving;
    if (result.accepted !== workload.readings || result.errors > 0) {
      throw new Error(
        `${label}: ${result.accepted} of ${workload.readings} readings accepted (${JSON.stringify(result.statuses)}, ${result.errors} errors)`,
      );
    }
    await sleep(500); // anything doubled would show up now
    const stored = await countRows(pipeline);
    if (stored !== target || inserted !== target) {
      throw new Error(
        `${label}: expected exactly ${target} rows, found ${stored} (consumer says ${inserted})`,
      );
    }
    const seconds = (doneAt - result.startedAt) / 1000;
    await Promise.all([collector.stop(), consumer.stop()]);
    const copySeconds = copyReference(pipeline, workload);
    return {
      readings: workload.readings,
      seconds,
      readingsPerSecond: workload.readings / seconds,
      acceptedPerSecond: result.accepted / ((result.finishedAt - result.startedAt) / 1000),
      requestMs: result.latencyMs,
      copySeconds,
      copyRowsPerSecond: workload.readings / copySeconds,
      cpu,
      machineCpu,
      statuses: result.statuses,
    };
  } finally {
    await driver?.close();
    await pipeline.close();
  }
}

/**
 * Registers the workload's stations, each with a station token and, like the pipeline's
 * gateway, no rate limit: what Ecowitt gateways authenticate with. Tokens by station number.
 */
async function issueStationTokens(pipeline: Pipeline, workload: Workload) {
  const { db } = pipeline.database;
  const tokens: string[] = [];
  for (let n = 0; n < workload.stations; n++) {
    const id = stationId(workload.prefix, n);
    await registerStation(db, id, { requestsPerSecond: 0, readingsPerSecond: 0 });
    const { token, prefix, hash } = issueToken('station');
    await addCredential(db, { kind: 'station', ownerId: id, prefix, hash });
    tokens.push(token);
  }
  return tokens;
}

function copyReference(pipeline: Pipeline, workload: Workload): number {
  const file = path.join(tmpDir, `copy-${workload.prefix}-${workload.readings}.csv`);
  const receivedAt = new Date().toISOString();
  const fd = openSync(file, 'w');
  let chunk = '';
  for (const line of csvLines(workload, receivedAt)) {
    chunk += line;
    if (chunk.length > 1 << 20) {
      writeFileSync(fd, chunk);
      chunk = '';
    }
  }
  writeFileSync(fd, chunk);
  closeSync(fd);
  const psql = (command: string) =>
    sh('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', pipeline.database.url, '-c', command]);
  psql('create table copy_ref (like weather_readings including all)');
  const t0 = performance.now();
  psql(`\\copy copy_ref (${COPY_COLUMNS.join(', ')}) from '${file}' with (format csv)`);
  const seconds = (performance.now() - t0) / 1000;
  const copied = Number(psql('select count(*) from copy_ref').trim());
  if (copied !== workload.readings)
    throw new Error(`COPY loaded ${copied} rows, not ${workload.readings}`);
  return seconds;
}

export interface KafkaRep {
  readings: number;
  records: number;
  collectorSeconds: number;
  collectorReadingsPerSecond: number;
  kcatSeconds: number;
  kcatReadingsPerSecond: number;
  cpu: Record<string, number>;
}

/**
 * The collector alone (no consumer): readings acknowledged by Kafka per second. Reference: the
 * very records it produced, read back and produced again by `kcat -P` to a new topic.
 */
export async function kafkaStage(workload: Workload, connections: number): Promise<KafkaRep> {
  const pipeline = await apps('bench-kafka');
  let driver: Awaited<ReturnType<typeof startDriver>> | undefined;
  const copyTopic = `${pipeline.topic}.kcat`;
  try {
    const collector = await pipeline.collector(quiet);
    const warm = await warmUp(pipeline, collector.url);
    driver = await startDriver({
      url: collector.url,
      headers: pipeline.ingestHeaders,
      workload,
      connections,
    });
    const meter = meterFor({ collector: collector.pid, driver: driver.pid });
    meter.start();
    const result = await driver.go();
    const cpu = meter.stop();
    if (result.accepted !== workload.readings) {
      throw new Error(`Kafka stage: ${result.accepted} of ${workload.readings} readings accepted`);
    }
    const collectorSeconds = (result.finishedAt - result.startedAt) / 1000;

    const file = path.join(tmpDir, 'kafka-records.tsv');
    sh('sh', [
      '-c',
      `kcat -C -q -b ${brokers} -t ${pipeline.topic} -o beginning -e -f '%k\\t%s\\n' > ${file}`,
    ]);
    const records = readFileSync(file, 'utf8').split('\n').length - 1;
    await pipeline.admin.createTopics({ topics: [{ topic: copyTopic, numPartitions: 6 }] });
    const t0 = performance.now();
    sh('kcat', [
      '-P',
      '-q',
      '-b',
      brokers,
      '-t',
      copyTopic,
      '-K',
      '\\t',
      '-X',
      'acks=all',
      '-H',
      'source=collector',
      '-H',
      'traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      '-l',
      file,
    ]);
    const kcatSeconds = (performance.now() - t0) / 1000;
    const all = workload.readings + warm;
    return {
      readings: workload.readings,
      records,
      collectorSeconds,
      collectorReadingsPerSecond: workload.readings / collectorSeconds,
      kcatSeconds,
      kcatReadingsPerSecond: all / kcatSeconds,
      cpu,
    };
  } finally {
    await driver?.close();
    await pipeline.admin.deleteTopics({ topics: [copyTopic] }).catch(() => {});
    await pipeline.close();
  }
}

export interface LatencyRep {
  rate: number;
  probes: number;
  p50: number;
  p99: number;
  max: number;
  lost: number;
}

/**
 * Background load at a fixed `rate` (readings/s, open loop) and, meanwhile, one probe reading
 * every `probeEveryMs`: the time from its 2xx to the REST API returning its row.
 */
export async function ingestToQueryable(config: BenchConfig, rate: number): Promise<LatencyRep[]> {
  const { seconds, probeEveryMs, batchSize } = config.latency;
  const pipeline = await apps('bench-latency');
  const reps: LatencyRep[] = [];
  try {
    const collector = await pipeline.collector(quiet);
    const consumer = await pipeline.consumer(quiet);
    const web = await pipeline.service('web', quiet);
    await warmUp(pipeline, collector.url, consumer.url);
    for (let rep = 0; rep < config.repetitions; rep++) {
      const leadSeconds = 2;
      const readings = Math.ceil(rate * (seconds + leadSeconds + 1));
      const stations = config.pipeline.stations;
      const workload: Workload = {
        readings,
        stations,
        batchSize,
        prefix: `LOAD${rep}`,
        start: startFor(readings, stations),
      };
      const driver = await startDriver({
        url: collector.url,
        headers: pipeline.ingestHeaders,
        workload,
        connections: 32,
        rate: rate / batchSize,
      });
      try {
        const driving = driver.go();
        await sleep(leadSeconds * 1000);
        reps.push(
          await probe(
            pipeline,
            collector.url,
            web.url,
            `PROBE-${rep}`,
            seconds,
            probeEveryMs,
            rate,
          ),
        );
        const result = await driving;
        if (result.accepted !== readings) {
          throw new Error(`latency load: ${result.accepted} of ${readings} readings accepted`);
        }
      } finally {
        await driver.close();
      }
      log(
        `  ingest-to-queryable rep ${rep + 1}: p50 ${reps.at(-1)?.p50} ms, p99 ${reps.at(-1)?.p99} ms`,
      );
    }
    return reps;
  } finally {
    await pipeline.close();
  }
}

async function probe(
  pipeline: Pipeline,
  collectorUrl: string,
  webUrl: string,
  stationId: string,
  seconds: number,
  everyMs: number,
  rate: number,
): Promise<LatencyRep> {
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  let sending = true;
  let lastTs = 0;
  let sent = 0;
  const sender = (async () => {
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const ts = Math.max(Date.now(), lastTs + 1);
      lastTs = ts;
      const timestamp = new Date(ts).toISOString();
      sent++;
      void fetch(`${collectorUrl}/weather-data`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...pipeline.ingestHeaders },
        body: JSON.stringify({ station_id: stationId, timestamp, temperature: 20 }),
      }).then(async (res) => {
        await res.arrayBuffer();
        if (res.status === 202) pending.set(timestamp, performance.now());
      });
      await sleep(everyMs);
    }
    sending = false;
  })();
  const deadline = () => performance.now() + 30_000;
  let giveUpAt = deadline();
  while (sending || (pending.size > 0 && performance.now() < giveUpAt)) {
    if (sending) giveUpAt = deadline();
    if (pending.size > 0) {
      const oldest = [...pending.keys()].sort()[0] as string;
      const res = await fetch(
        `${webUrl}/api/weather/${stationId}?start_time=${encodeURIComponent(oldest)}&limit=5000`,
      );
      if (res.ok) {
        const page = (await res.json()) as { readings: { timestamp: string }[] };
        const now = performance.now();
        for (const { timestamp } of page.readings) {
          const ackAt = pending.get(timestamp);
          if (ackAt !== undefined) {
            latencies.push(now - ackAt);
            pending.delete(timestamp);
          }
        }
      } else await res.arrayBuffer();
    }
    await sleep(5);
  }
  await sender;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    rate,
    probes: sent,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(Math.max(...latencies)),
    // Sent but never seen through the API within 30 s (or never acknowledged).
    lost: sent - latencies.length,
  };
}

export interface QueryRep {
  rows: number;
  /** Through the query service (port 8003), the seed's path. */
  missP50: number;
  missP95: number;
  hitP50: number;
  hitP95: number;
  /** The same requests through the web app's REST (`/api/...`, served in process there). */
  webMissP95: number;
  webHitP95: number;
  sqlP50: number;
  sqlP95: number;
  /** A bare Fastify route returning the hit's bytes from memory: the framework's floor. */
  floorP50: number;
  floorP95: number;
  /** The fleet health query (SPEC §17) over every station, through the driver. */
  fleetHealthP50: number;
  fleetHealthP95: number;
  /** Its floor: reading every station's row (`select * from stations`), same driver. */
  stationsP95: number;
  wrongCacheStatus: number;
}

/** A bare Fastify server (its own process, like the query service) answering `body` at `/`. */
async function bareFastify(body: string) {
  const file = path.join(tmpDir, 'floor-body.json');
  writeFileSync(file, body);
  const port = await freePort();
  const script = `import Fastify from 'fastify'; import { readFileSync } from 'node:fs';
const body = readFileSync(${JSON.stringify(file)});
const app = Fastify();
app.get('/', (_request, reply) => reply.type('application/json').send(body));
await app.listen({ host: '127.0.0.1', port: ${port} });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: path.resolve(import.meta.dirname, '..'),
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}/`;
  await until('the bare Fastify floor server', async () => (await fetch(url)).ok, 30_000);
  return { url, stop: () => child.kill('SIGKILL') };
}

/**
 * Latency of one station's day in 5-minute buckets: misses (a new window each time) and hits
 * (one settled window again and again), through the query service and through the web app's
 * REST, next to the same SQL via pgbench and a bare Fastify route returning the same bytes.
 */
export async function queryLatency(config: BenchConfig): Promise<QueryRep[]> {
  const { stations, days, requests } = config.query;
  const pipeline = await apps('bench-query');
  try {
    const rows = await loadHistory(pipeline, stations, days);
    const query = await pipeline.service('query', quiet);
    const web = await pipeline.service('web', quiet);
    const stationId = `QUERY-${String(Math.floor(stations / 2)).padStart(4, '0')}`;
    // Windows a minute apart: distinct requests (and cache keys), all well inside the history
    // (the two servers take 2 × repetitions × requests of them).
    const end = Math.floor(Date.now() / 60_000) * 60_000;
    const windowAt = (k: number) => {
      const to = end - k * 60_000;
      return { start: new Date(to - 86_400_000), end: new Date(to) };
    };
    const pathOf = (w: { start: Date; end: Date }) =>
      `/weather/timeseries/${stationId}?start_time=${w.start.toISOString()}&end_time=${w.end.toISOString()}&interval=5m`;
    const servers = { query: query.url, web: `${web.url}/api` };
    const timed = async (target: string) => {
      const t0 = performance.now();
      const res = await fetch(target);
      const text = await res.text();
      const ms = performance.now() - t0;
      const body = JSON.parse(text) as { buckets?: unknown[] };
      if (!res.ok || (body.buckets?.length ?? 0) < 280) {
        throw new Error(`timeseries answered ${res.status} with ${body.buckets?.length} buckets`);
      }
      return { ms, cache: res.headers.get('x-cache'), text };
    };
    // Window numbers: each rep's misses, then the warm-up's, then each rep's hit window; the two
    // servers take turns on disjoint misses (a shared cache would otherwise make them hits).
    const missWindow = (rep: number, i: number, server: number) =>
      windowAt((rep * requests + i) * 2 + server);
    const warmBase = config.repetitions * requests * 2;
    for (let k = 0; k < 20; k++) {
      await timed(`${servers.query}${pathOf(windowAt(warmBase + 2 * k))}`);
      await timed(`${servers.web}${pathOf(windowAt(warmBase + 2 * k + 1))}`);
    }

    const reps: QueryRep[] = [];
    for (let rep = 0; rep < config.repetitions; rep++) {
      const measure = async (base: string, server: number) => {
        const miss: number[] = [];
        const hit: number[] = [];
        let wrong = 0;
        for (let i = 0; i < requests; i++) {
          const r = await timed(`${base}${pathOf(missWindow(rep, i, server))}`);
          miss.push(r.ms);
          if (r.cache !== 'miss') wrong++;
        }
        // A settled window (its answer is kept for an hour), fetched once so it is cached.
        const same = `${base}${pathOf(windowAt(warmBase + 40 + rep * 2 + server))}`;
        const { text } = await timed(same);
        for (let i = 0; i < requests; i++) {
          const r = await timed(same);
          hit.push(r.ms);
          if (r.cache !== 'hit') wrong++;
        }
        return { miss, hit, wrong, text };
      };
      const viaQuery = await measure(servers.query, 0);
      const viaWeb = await measure(servers.web, 1);
      const bare = await bareFastify(viaQuery.text);
      const floor: number[] = [];
      try {
        for (let i = 0; i < 20; i++) await (await fetch(bare.url)).arrayBuffer();
        for (let i = 0; i < requests; i++) {
          const t0 = performance.now();
          await (await fetch(bare.url)).text();
          floor.push(performance.now() - t0);
        }
      } finally {
        bare.stop();
      }
      const reference = pgbenchLatencies(pipeline.database.url, stationId, windowAt(rep), requests);
      const fleet = await fleetHealthLatencies(pipeline, requests / 3);
      const round = (ms: number) => Math.round(ms * 100) / 100;
      reps.push({
        rows,
        missP50: round(percentile(viaQuery.miss, 50)),
        missP95: round(percentile(viaQuery.miss, 95)),
        hitP50: round(percentile(viaQuery.hit, 50)),
        hitP95: round(percentile(viaQuery.hit, 95)),
        webMissP95: round(percentile(viaWeb.miss, 95)),
        webHitP95: round(percentile(viaWeb.hit, 95)),
        sqlP50: round(percentile(reference, 50)),
        sqlP95: round(percentile(reference, 95)),
        floorP50: round(percentile(floor, 50)),
        floorP95: round(percentile(floor, 95)),
        fleetHealthP50: round(percentile(fleet.health, 50)),
        fleetHealthP95: round(percentile(fleet.health, 95)),
        stationsP95: round(percentile(fleet.stations, 95)),
        wrongCacheStatus: viaQuery.wrong + viaWeb.wrong,
      });
      const last = reps.at(-1);
      log(
        `  query rep ${rep + 1}: query service miss p95 ${last?.missP95} ms, hit p95 ${last?.hitP95} ms; web miss p95 ${last?.webMissP95} ms, hit p95 ${last?.webHitP95} ms; SQL p95 ${last?.sqlP95} ms; bare Fastify p95 ${last?.floorP95} ms; fleet health p95 ${last?.fleetHealthP95} ms (stations rows ${last?.stationsP95} ms)`,
      );
    }
    await Promise.all([web.stop(), query.stop()]);
    return reps;
  } finally {
    await pipeline.close();
  }
}

/**
 * Latencies (ms) of the fleet health query over every station (SPEC §17: under 50 ms p95 with
 * 1,000 stations and 10M rows), and of reading the stations rows alone, alternately.
 */
async function fleetHealthLatencies(pipeline: Pipeline, count: number) {
  const { db, pool } = pipeline.database;
  const health: number[] = [];
  const stations: number[] = [];
  for (let i = 0; i < 10; i++) await stationHealthFacts(db, { now: new Date() });
  for (let i = 0; i < count; i++) {
    let t0 = performance.now();
    await stationHealthFacts(db, { now: new Date() });
    health.push(performance.now() - t0);
    t0 = performance.now();
    await pool.query('select * from stations order by id');
    stations.push(performance.now() - t0);
  }
  return { health, stations };
}

/** stations × days of one-a-minute readings, inserted in time order, plus the stations rows. */
async function loadHistory(pipeline: Pipeline, stations: number, days: number) {
  const { pool } = pipeline.database;
  log(`  loading ${(stations * days * 1440).toLocaleString('en')} rows of history…`);
  await pool.query(
    `insert into weather_readings (station_id, ts, temperature, humidity, wind_speed, wind_direction, wind_gust, pressure, precipitation, received_at)
     select 'QUERY-' || lpad(s::text, 4, '0'), t,
            10 + 10 * sin(extract(epoch from t) / 43200 * pi()) + (s % 7),
            50 + (s % 40), (s % 15) + 0.5, (s * 37) % 360, (s % 15) + 3.5, 1000 + (s % 20), (s % 3) * 0.2, t
     from generate_series(date_trunc('minute', now()) - make_interval(days => $1::int), date_trunc('minute', now()) - interval '1 minute', interval '1 minute') as t,
          lateral generate_series(0, $2::int - 1) as s`,
    [days, stations],
  );
  await pool.query(
    `insert into stations (id, first_seen, last_seen, last_reading_at)
     select station_id, min(received_at), max(received_at), max(ts) from weather_readings group by station_id`,
  );
  // What the ingest statement keeps: readings per station-local day (all UTC here).
  await pool.query(
    `insert into station_days (station_id, day, readings)
     select station_id, (ts at time zone 'UTC')::date, count(*) from weather_readings group by 1, 2`,
  );
  await pool.query('vacuum analyze weather_readings');
  await pool.query('vacuum analyze stations');
  await pool.query('vacuum analyze station_days');
  return Number((await pool.query('select count(*)::int as n from weather_readings')).rows[0].n);
}

/**
 * Per-statement latencies (ms) of the API's own SQL for the window, run by pgbench with the
 * values inlined. Simple protocol: in extended mode pgbench would read the ":MI" of the
 * timestamp format inside a string literal as one of its variables.
 */
function pgbenchLatencies(
  url: string,
  stationId: string,
  window: { start: Date; end: Date },
  transactions: number,
): number[] {
  const { query } = timeseriesQuery({ stationId, ...window, interval: '5m' }, false);
  const rendered = new PgDialect().sqlToQuery(query);
  const literal = (value: unknown) => `'${String(value).replaceAll("'", "''")}'`;
  const text = rendered.sql.replace(/\$(\d+)/g, (_, n) => literal(rendered.params[Number(n) - 1]));
  const script = path.join(tmpDir, 'timeseries.sql');
  writeFileSync(script, `${text.trim()};\n`);
  const prefix = path.join(tmpDir, `pgbench-${Date.now()}`);
  sh('pgbench', ['-n', '-M', 'simple', '-c', '1', '-t', '20', '-f', script, url]);
  sh('pgbench', [
    '-n',
    '-M',
    'simple',
    '-c',
    '1',
    '-t',
    String(transactions),
    '-f',
    script,
    '-l',
    `--log-prefix=${prefix}`,
    url,
  ]);
  const logs = sh('sh', ['-c', `cat ${prefix}.*`]);
  // Each line: client_id transaction_no latency_us script_no epoch epoch_us
  return logs
    .trim()
    .split('\n')
    .map((line) => Number(line.split(' ')[2]) / 1000);
}
