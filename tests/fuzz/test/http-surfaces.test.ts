import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { createPipeline, type Pipeline, type ServiceProcess, until } from '@weather/test-kit';
import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzRequest, requestArbitrary } from './arbitraries';

// Every HTTP surface of the running system (built services on an isolated topic and database)
// gets hostile paths, query strings, headers, bodies and encodings. Whatever arrives: never a
// 5xx except 503, always a JSON error body without SQL or stack traces, an answer within the
// timeout, and every service healthy and the pipeline storing readings afterwards.
// Seeded (FUZZ_SEED) and bounded in runs (FUZZ_RUNS) and time per surface.
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 40_000);
const ANSWER_TIMEOUT_MS = 15_000;

let pipeline: Pipeline;
const services: Record<'collector' | 'consumer' | 'query' | 'generator' | 'web', ServiceProcess> =
  {} as never;

beforeAll(async () => {
  pipeline = await createPipeline('fuzz', { built: true, partitions: 3 });
  services.collector = await pipeline.collector();
  services.consumer = await pipeline.consumer();
  services.query = await pipeline.service('query', { LOG_LEVEL: 'warn' });
  services.generator = await pipeline.service('generator', {
    COLLECTOR_URL: services.collector.url,
    GENERATOR_INGEST_TOKEN: pipeline.ingestToken,
  });
  services.web = await pipeline.service('web', {
    COLLECTOR_URL: services.collector.url,
    CONSUMER_URL: services.consumer.url,
    GENERATOR_URL: services.generator.url,
    LOG_LEVEL: 'warn',
  });
});

afterAll(async () => {
  await pipeline?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

async function send(service: ServiceProcess, req: FuzzRequest): Promise<Answer> {
  try {
    const res = await request(`${service.url}${req.path}`, {
      method: req.method as 'GET',
      headers: req.headers,
      body: req.body,
      headersTimeout: ANSWER_TIMEOUT_MS,
      bodyTimeout: ANSWER_TIMEOUT_MS,
    });
    const raw = Buffer.from(await res.body.arrayBuffer());
    return { status: res.statusCode, headers: res.headers, text: decode(raw, res.headers) };
  } catch (error) {
    // Say why: a dead service's last log lines, or the client's error (a hang, a reset).
    const last = service.lines.slice(-5).map((line) => JSON.stringify(line));
    throw new Error(
      `${req.method} ${req.path}: ${String(error)}; ${service.name} pid ${service.pid}, last log lines:\n${last.join('\n')}`,
    );
  }
}

/** The body as the client would read it (servers may compress error answers too). */
function decode(raw: Buffer, headers: Answer['headers']): string {
  const encoding = String(headers['content-encoding'] ?? '');
  if (raw.length === 0) return '';
  if (encoding === 'gzip') return gunzipSync(raw).toString();
  if (encoding === 'br') return brotliDecompressSync(raw).toString();
  if (encoding === 'deflate') return inflateSync(raw).toString();
  return raw.toString();
}

const LEAKS =
  /\binsert into\b|\bselect\b[^"]*\bfrom\b|\bwhere\b[^"]*\$\d|\n\s+at \S+ \(|node_modules/i;

/** `{ error, message }`; tRPC answers carry theirs inside its envelope (one per batched call). */
function isErrorBody(value: unknown, trpc: boolean): boolean {
  const plain = (v: unknown) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { error?: unknown }).error === 'string' &&
    typeof (v as { message?: unknown }).message === 'string';
  if (plain(value)) return true;
  if (!trpc) return false;
  const enveloped = (v: unknown) =>
    typeof v === 'object' &&
    v !== null &&
    (('error' in v && typeof (v as { error: { message?: unknown } }).error?.message === 'string') ||
      'result' in v);
  return Array.isArray(value) ? value.length > 0 && value.every(enveloped) : enveloped(value);
}

/**
 * What must hold for every answer to every request. `api` says which paths answer errors in
 * JSON: all of a service's, the web app's under /api (after the server resolves dot segments,
 * `/api/../x` is the page `/x`, whose 404 is a page).
 */
function checkAnswer(req: FuzzRequest, answer: Answer, api: (path: string) => boolean) {
  const where = `${req.method} ${req.path} → ${answer.status} ${answer.text.slice(0, 300)}`;
  if (answer.status >= 500 && answer.status !== 503) throw new Error(`server error: ${where}`);
  if (answer.status === 405 && !answer.headers.allow) {
    throw new Error(`405 without Allow: ${where}`);
  }
  if (answer.status < 400 || req.method === 'HEAD') return;
  const pathname = resolvedPath(req.path);
  if (!api(pathname)) return;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw new Error(`error body is not JSON: ${where}`);
  }
  if (!isErrorBody(body, pathname.startsWith('/api/trpc'))) {
    throw new Error(`not an error body: ${where}`);
  }
  if (LEAKS.test(answer.text)) throw new Error(`error body leaks internals: ${where}`);
}

/** The path as a server resolves it: dot segments (also `%2e%2e`) removed. */
function resolvedPath(path: string) {
  try {
    return new URL(`http://fuzz${path}`).pathname;
  } catch {
    return path;
  }
}

const everyPath = () => true;
// Methods Node.js parses that no route takes.
const unusualMethods = ['TRACE', 'PROPFIND', 'MKCOL', 'PURGE'];

const surfaces = [
  {
    name: 'collector',
    prefix: '',
    api: everyPath,
    extraMethods: unusualMethods,
    routes: [
      '/weather-data',
      '/weather-data/batch',
      '/health',
      '/ready',
      '/metrics',
      '/docs',
      '/openapi.json',
    ],
  },
  {
    name: 'consumer',
    prefix: '',
    api: everyPath,
    extraMethods: unusualMethods,
    routes: ['/stats', '/health', '/ready', '/metrics', '/docs', '/openapi.json'],
  },
  {
    name: 'query',
    prefix: '',
    api: everyPath,
    extraMethods: unusualMethods,
    routes: [
      '/weather/ST-001',
      '/weather/aggregate/ST-001',
      '/weather/timeseries/ST-001',
      '/stations',
      '/health',
      '/ready',
      '/metrics',
      '/docs',
      '/openapi.json',
    ],
  },
  {
    name: 'generator',
    prefix: '',
    api: everyPath,
    extraMethods: unusualMethods,
    routes: [
      '/start',
      '/stop',
      '/status',
      '/backfill',
      '/stations',
      '/health',
      '/ready',
      '/openapi.json',
    ],
  },
  {
    name: 'web',
    prefix: '/api',
    api: (path: string) => path === '/api' || path.startsWith('/api/'),
    // Not TRACE: Next.js answers it with 500 before any code of ours runs (README, limits).
    extraMethods: ['PROPFIND', 'MKCOL', 'PURGE'],
    routes: [
      '/api/weather/ST-001',
      '/api/weather/aggregate/ST-001',
      '/api/weather/timeseries/ST-001',
      '/api/stations',
      '/api/openapi.json',
      '/api/health',
      '/api/trpc/weather.readings',
      '/api/trpc/weather.aggregate',
      '/api/trpc/stations.list',
      '/api/trpc/stations.latest',
      '/api/trpc/pipeline.status',
      '/api/trpc/generator.status',
      '/api/trpc/generator.stop',
      '/api/trpc/stations.list,stations.sparklines',
      '/api/nowhere',
    ],
  },
] as const;

describe(`every HTTP surface under hostile requests (FUZZ_SEED=${SEED}, ${RUNS} runs each)`, () => {
  for (const surface of surfaces) {
    it(`${surface.name}: never a 5xx but 503, always a JSON error, never a hang`, async () => {
      const service = services[surface.name];
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(
          requestArbitrary(surface.routes, surface.prefix, surface.extraMethods),
          async (req) => {
            runs++;
            checkAnswer(req, await send(service, req), surface.api);
          },
        ),
        {
          seed: SEED,
          numRuns: RUNS,
          interruptAfterTimeLimit: TIME_LIMIT_MS,
          markInterruptAsFailure: false,
        },
      );
      expect(runs).toBeGreaterThan(20);
      const health = await fetch(
        `${service.url}${surface.name === 'web' ? '/api/health' : '/health'}`,
      );
      expect(health.status).toBe(200);
    });
  }

  it('leaves every service ready and the pipeline storing a valid reading', async () => {
    await fetch(`${services.generator.url}/stop`, { method: 'POST' });
    for (const name of ['collector', 'consumer', 'generator'] as const) {
      await until(
        `${name} ready after the fuzzing`,
        async () => (await fetch(`${services[name].url}/ready`)).ok,
      );
    }
    const timestamp = new Date(Date.now() - 60_000).toISOString();
    const sent = await fetch(`${services.collector.url}/weather-data`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...pipeline.ingestHeaders },
      body: JSON.stringify({ station_id: 'FUZZ-AFTER', timestamp, temperature: 7.5 }),
    });
    expect(sent.status).toBe(202);
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const stored = await until('the reading to be queryable', async () => {
      const res = await fetch(`${services.web.url}/api/weather/FUZZ-AFTER?start_time=${since}`);
      if (!res.ok) return false;
      const page = (await res.json()) as { readings: { timestamp: string; temperature: number }[] };
      return page.readings.length > 0 && page.readings;
    });
    expect(stored).toEqual([expect.objectContaining({ timestamp, temperature: 7.5 })]);
  });
});
