import type { BenchConfig } from './context';
import type { KafkaRep, LatencyRep, QueryRep, ThroughputRep } from './scenarios';
import { median } from './stats';

interface Reps {
  config: BenchConfig;
  pipelineReps: ThroughputRep[];
  singleReps: ThroughputRep[];
  /** Taken in turns with `singleReps`: each is compared with the JSON repetition of its index. */
  ecowittReps: ThroughputRep[];
  kafkaReps: KafkaRep[];
  latencyReps: LatencyRep[];
  queryReps: QueryRep[];
}

const med = <T>(reps: T[], pick: (r: T) => number) => median(reps.map(pick));

/** A one-reading-per-request scenario: readings stored and acknowledged per second, latency. */
const perRequest = (reps: ThroughputRep[]) => ({
  readingsPerSecond: med(reps, (x) => x.readingsPerSecond),
  acceptedPerSecond: med(reps, (x) => x.acceptedPerSecond),
  requestP50: med(reps, (x) => x.requestMs.p50),
  requestP99: med(reps, (x) => x.requestMs.p99),
});

/** Medians over the repetitions; a ratio is the median of each repetition's own ratio. */
export function summarise(r: Reps) {
  const cpuNames = [...new Set(r.pipelineReps.flatMap((rep) => Object.keys(rep.cpu)))];
  const pipeline = {
    readingsPerSecond: med(r.pipelineReps, (x) => x.readingsPerSecond),
    copyRowsPerSecond: med(r.pipelineReps, (x) => x.copyRowsPerSecond),
    ratioToCopy: med(r.pipelineReps, (x) => x.readingsPerSecond / x.copyRowsPerSecond),
    cpuPercent: Object.fromEntries(
      cpuNames.map((name) => [name, med(r.pipelineReps, (x) => x.cpu[name] ?? 0)]),
    ),
    machineCpuPercent: med(r.pipelineReps, (x) => x.machineCpu),
  };
  const single = {
    ...perRequest(r.singleReps),
    ratioToBatch: med(r.singleReps, (x) => x.readingsPerSecond) / pipeline.readingsPerSecond,
  };
  const ecowitt = {
    ...perRequest(r.ecowittReps),
    ratioToJson: median(
      r.ecowittReps.flatMap((x, i) => {
        const json = r.singleReps[i];
        return json ? [x.readingsPerSecond / json.readingsPerSecond] : [];
      }),
    ),
  };
  const kafka = {
    collectorReadingsPerSecond: med(r.kafkaReps, (x) => x.collectorReadingsPerSecond),
    kcatReadingsPerSecond: med(r.kafkaReps, (x) => x.kcatReadingsPerSecond),
    ratio: med(r.kafkaReps, (x) => x.collectorReadingsPerSecond / x.kcatReadingsPerSecond),
    records: med(r.kafkaReps, (x) => x.records),
  };
  const latency = {
    rate: r.latencyReps[0]?.rate ?? 0,
    p50: med(r.latencyReps, (x) => x.p50),
    p99: med(r.latencyReps, (x) => x.p99),
    max: med(r.latencyReps, (x) => x.max),
    probes: r.latencyReps.reduce((sum, x) => sum + x.probes, 0),
    lost: r.latencyReps.reduce((sum, x) => sum + x.lost, 0),
  };
  const query = {
    rows: r.queryReps[0]?.rows ?? 0,
    missP50: med(r.queryReps, (x) => x.missP50),
    missP95: med(r.queryReps, (x) => x.missP95),
    hitP50: med(r.queryReps, (x) => x.hitP50),
    hitP95: med(r.queryReps, (x) => x.hitP95),
    webMissP95: med(r.queryReps, (x) => x.webMissP95),
    webHitP95: med(r.queryReps, (x) => x.webHitP95),
    sqlP50: med(r.queryReps, (x) => x.sqlP50),
    sqlP95: med(r.queryReps, (x) => x.sqlP95),
    floorP50: med(r.queryReps, (x) => x.floorP50),
    floorP95: med(r.queryReps, (x) => x.floorP95),
    fleetHealthP50: med(r.queryReps, (x) => x.fleetHealthP50),
    fleetHealthP95: med(r.queryReps, (x) => x.fleetHealthP95),
    stationsP95: med(r.queryReps, (x) => x.stationsP95),
    wrongCacheStatus: r.queryReps.reduce((sum, x) => sum + x.wrongCacheStatus, 0),
  };
  const targets = [
    { what: 'pipeline ≥ 50,000 readings/s', met: pipeline.readingsPerSecond >= 50_000 },
    { what: 'pipeline ≥ 0.4 × COPY', met: pipeline.ratioToCopy >= 0.4 },
    { what: 'ingest-to-queryable p99 ≤ 1 s at half load', met: latency.p99 <= 1000 },
    { what: 'query miss p95 ≤ 2 × the SQL', met: query.missP95 <= 2 * query.sqlP95 },
    { what: 'query hit p95 ≤ 3 ms', met: query.hitP95 <= 3 },
    { what: 'query hit p95 ≤ 1.5 × bare Fastify', met: query.hitP95 <= 1.5 * query.floorP95 },
    { what: 'fleet health p95 < 50 ms', met: query.fleetHealthP95 < 50 },
  ];
  return { pipeline, single, ecowitt, kafka, latency, query, targets };
}

export type Summary = ReturnType<typeof summarise>;

export interface Results {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  machine: { cores: number; cpu: string; memoryGiB: number; os: string };
  versions: Record<string, string>;
  config: BenchConfig;
  summary: Summary;
  repetitions: Record<string, unknown[]>;
}

const n = (value: number) => Math.round(value).toLocaleString('en');
const x = (value: number) => `${value.toFixed(2)}×`;
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
const perRequestResult = (f: ReturnType<typeof perRequest>) =>
  `${n(f.readingsPerSecond)} readings/s (${n(f.acceptedPerSecond)}/s acknowledged; request p50 ${ms(f.requestP50)}, p99 ${ms(f.requestP99)})`;

export function renderMarkdown(results: Results): string {
  const { summary: s, config: c, machine: m, versions: v } = results;
  const rows = [
    [
      `Pipeline, batch endpoint: ${n(c.pipeline.readings)} readings, ${n(c.pipeline.stations)} stations, ${n(c.pipeline.batchSize)} per request, until all committed`,
      `${n(s.pipeline.readingsPerSecond)} readings/s`,
      `COPY into an identical empty table: ${n(s.pipeline.copyRowsPerSecond)} rows/s`,
      x(s.pipeline.ratioToCopy),
      '≥ 50,000/s and ≥ 0.40×',
    ],
    [
      `Single-reading endpoint: ${n(c.single.readings)} readings, one per request, ${c.single.connections} connections`,
      perRequestResult(s.single),
      'the batch path above',
      x(s.single.ratioToBatch),
      '—',
    ],
    [
      `Ecowitt uploads: the same readings as form posts to \`/data/report/<station token>\`, one per request, ${c.single.connections} connections`,
      perRequestResult(s.ecowitt),
      `the single-reading JSON endpoint above: ${n(s.single.readingsPerSecond)} readings/s`,
      x(s.ecowitt.ratioToJson),
      '—',
    ],
    [
      `Kafka stage: collector alone, ${n(c.pipeline.readings)} readings as ${n(s.kafka.records)} records, until all acknowledged`,
      `${n(s.kafka.collectorReadingsPerSecond)} readings/s`,
      `\`kcat -P\`, the same records: ${n(s.kafka.kcatReadingsPerSecond)} readings/s`,
      x(s.kafka.ratio),
      '—',
    ],
    [
      `Ingest-to-queryable at ${n(s.latency.rate)} readings/s (half the pipeline's maximum): HTTP 2xx → row returned by the REST API`,
      `p50 ${ms(s.latency.p50)}, p99 ${ms(s.latency.p99)}, max ${ms(s.latency.max)}`,
      '—',
      '—',
      'p99 ≤ 1 s',
    ],
    [
      `Query, cache miss: 24 h of one station in 5-minute buckets, GET :8003/weather/timeseries (the query service), ${n(s.query.rows)} rows in the table`,
      `p50 ${ms(s.query.missP50)}, p95 ${ms(s.query.missP95)} (web app's /api: p95 ${ms(s.query.webMissP95)})`,
      `the same SQL via pgbench: p50 ${ms(s.query.sqlP50)}, p95 ${ms(s.query.sqlP95)}`,
      x(s.query.missP95 / s.query.sqlP95),
      'p95 ≤ 2 × the SQL',
    ],
    [
      'Query, cache hit: the same request again (query service)',
      `p50 ${ms(s.query.hitP50)}, p95 ${ms(s.query.hitP95)} (web app's /api: p95 ${ms(s.query.webHitP95)})`,
      `a bare Fastify route returning the same bytes from memory: p50 ${ms(s.query.floorP50)}, p95 ${ms(s.query.floorP95)}`,
      x(s.query.hitP95 / s.query.floorP95),
      'p95 ≤ 3 ms and ≤ 1.5 × bare Fastify',
    ],
    [
      `Fleet health: every station's state, interval, skew, battery and today's completeness (${n(s.query.rows)} rows), through the driver`,
      `p50 ${ms(s.query.fleetHealthP50)}, p95 ${ms(s.query.fleetHealthP95)}`,
      `reading the stations rows alone: p95 ${ms(s.query.stationsP95)}`,
      x(s.query.fleetHealthP95 / s.query.stationsP95),
      'p95 < 50 ms',
    ],
  ];
  const cpu = Object.entries(s.pipeline.cpuPercent);
  const lines = [
    `### ${results.quick ? 'Quick check' : 'Benchmark'} of ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC (commit ${v.commit})`,
    '',
    `Medians of ${c.repetitions} repetitions; each ratio is the result over its same-run reference. Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.os}; everything on the one box.`,
    '',
    '| Scenario | Result | Reference (same run) | Ratio | Target |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `CPU during the pipeline run, % of one core (the whole machine was ${s.pipeline.machineCpuPercent}% busy, all ${m.cores} cores together):`,
    '',
    `| ${cpu.map(([name]) => name).join(' | ')} |`,
    `| ${cpu.map(() => '---').join(' | ')} |`,
    `| ${cpu.map(([, value]) => `${Math.round(value)}%`).join(' | ')} |`,
    '',
    `Targets: ${s.targets.map((t) => `${t.met ? '✅' : '❌'} ${t.what}`).join('; ')}.`,
    '',
    `Versions: ${Object.entries(v)
      .filter(([name]) => name !== 'commit')
      .map(([name, value]) => `${name} ${value}`)
      .join(', ')}.`,
    '',
  ];
  if (s.latency.lost > 0 || s.query.wrongCacheStatus > 0) {
    lines.push(
      `Anomalies: ${s.latency.lost} probe readings never became queryable within 30 s; ${s.query.wrongCacheStatus} query answers had an unexpected x-cache status.`,
      '',
    );
  }
  return `${lines.join('\n')}`;
}
