import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createApiKey } from '@weather/auth';
import {
  createPipeline,
  freePort,
  type Pipeline,
  postBatch,
  type ServiceProcess,
  uniqueReadings,
} from '@weather/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWeatherClient,
  describeClientError,
  MAX_BATCH_SIZE,
  pageOf,
  TRPCClientError,
  WeatherClientError,
} from '../src/index';

// The client against the real built web app in front of a real pipeline (collector, Kafka,
// consumer, PostgreSQL, Redis) on an isolated topic and database.
const packageDir = path.resolve(import.meta.dirname, '..');
const root = path.resolve(packageDir, '../..');
const run = promisify(execFile);
// The web app runs from its build (services.json: `built`), made by `turbo run build`.
const webBuild = 'apps/web/.next/standalone/apps/web/server.js';

let pipeline: Pipeline;
let collector: ServiceProcess;
let web: ServiceProcess;
const readings = uniqueReadings(12, 2, Date.now() - 3 * 3600_000);

beforeAll(async () => {
  if (!existsSync(path.join(root, webBuild))) {
    throw new Error(
      `the web app is not built (${webBuild}): run npx turbo run build --filter=@weather/web`,
    );
  }
  pipeline = await createPipeline('client', { partitions: 2 });
  collector = await pipeline.collector();
  const consumer = await pipeline.consumer();
  web = await pipeline.service('web', {
    COLLECTOR_URL: collector.url,
    CONSUMER_URL: consumer.url,
    LOG_LEVEL: 'warn',
  });
  const { status } = await postBatch(collector.url, readings, pipeline.ingestHeaders);
  expect(status).toBe(202);
  expect(await pipeline.waitForRows(readings.length)).toBe(readings.length);
});

afterAll(() => pipeline?.close());

/** The example script, as a reader of the README would run it. */
function runExample(env: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', 'examples/stations-and-a-day.ts'], {
    cwd: packageDir,
    env: { ...process.env, ...env },
    timeout: 30_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: unknown; stdout?: string; stderr?: string }) => ({
      code: error.code,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }),
  );
}

describe('the example script', () => {
  it('lists the stations and prints the first one’s last day in 1-hour buckets', async () => {
    const { code, stdout, stderr } = await runExample({ WEATHER_URL: web.url });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('2 station(s): ST-000, ST-001');
    expect(stdout).toContain('ST-000, ');
    expect(stdout).toMatch(/\(raw\)|\(continuous_aggregate\)/);
    expect(stdout).toContain('hour (UTC)        readings  avg °C  min °C  max °C  hum. %');
    expect(stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00 +[1-6] +\d+\.\d/m);
  });

  it('takes STATION_ID', async () => {
    const { code, stdout } = await runExample({ WEATHER_URL: web.url, STATION_ID: 'ST-001' });
    expect(code).toBe(0);
    expect(stdout).toContain('ST-001, ');
  });

  it('exits 1 with the clear message when the web app cannot be reached', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { code, stdout, stderr } = await runExample({ WEATHER_URL: url });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toMatch(new RegExp(`^cannot reach ${url}: fetch failed .*ECONNREFUSED`));
  });
});

describe('createWeatherClient', () => {
  it('answers typed data from the real API', async () => {
    const api = createWeatherClient({ url: `${web.url}/` });
    const { stations } = pageOf(await api.stations.list.query());
    expect(stations.map((s) => s.station_id)).toEqual(['ST-000', 'ST-001']);
    const first = await api.stations.list.query({ limit: 1 });
    expect(pageOf(first).stations.map((s) => s.station_id)).toEqual(['ST-000']);
    const cursor = pageOf(first).next_cursor ?? undefined;
    const second = pageOf(await api.stations.list.query({ limit: 1, cursor }));
    expect(second).toMatchObject({ stations: [{ station_id: 'ST-001' }], next_cursor: null });
    const day = await api.weather.timeseries.query({ station_id: 'ST-000', interval: '1h' });
    expect(day.interval).toBe('1h');
    expect(day.buckets.reduce((n, b) => n + b.count, 0)).toBe(6);
  });

  it('batches parallel calls like the dashboard, at most MAX_BATCH_SIZE per request', async () => {
    const requests: string[] = [];
    const api = createWeatherClient({
      url: web.url,
      fetch: (input, init) => {
        requests.push(String(input));
        return fetch(input, init);
      },
    });
    const ids = Array.from({ length: MAX_BATCH_SIZE + 2 }, (_, i) => `ST-00${i % 2}`);
    const answers = await Promise.all(
      ids.map((id) => api.weather.aggregate.query({ station_id: id })),
    );
    expect(answers.map((a) => a.station_id)).toEqual(ids);
    expect(requests).toHaveLength(2);
    expect(requests[0]).toContain(`${web.url}/api/trpc/weather.aggregate,weather.aggregate`);
    expect(requests[0]).toContain('batch=1');
  });

  it('sends apiKey as a bearer token and the extra headers', async () => {
    const sent: Headers[] = [];
    const { key } = await createApiKey(pipeline.database.db, {
      name: 'client test',
      role: 'viewer',
    });
    const api = createWeatherClient({
      url: web.url,
      apiKey: key,
      headers: async () => ({ 'x-script': 'test', Authorization: 'overridden' }),
      fetch: (input, init) => {
        sent.push(new Headers(init?.headers));
        return fetch(input, init);
      },
    });
    expect(await api.stations.list.query()).toHaveLength(2);
    expect(sent[0]?.get('authorization')).toBe(`Bearer ${key}`);
    expect(sent[0]?.get('x-script')).toBe('test');
  });

  it('reads with an API key where PUBLIC_READ=false, and says why without one', async () => {
    const closed = await pipeline.service('web', { PUBLIC_READ: 'false', LOG_LEVEL: 'warn' });
    const { key } = await createApiKey(pipeline.database.db, { name: 'closed', role: 'viewer' });
    const api = createWeatherClient({ url: closed.url, apiKey: key });
    expect(await api.stations.list.query()).toHaveLength(2);
    const error = await createWeatherClient({ url: closed.url })
      .stations.list.query()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeatherClientError);
    expect(error).toMatchObject({ status: 401, reason: 'sign_in_required' });
    const revoked = await createWeatherClient({ url: closed.url, apiKey: `wxk_${'x'.repeat(32)}` })
      .stations.list.query()
      .catch((e: unknown) => e);
    expect(revoked).toMatchObject({ status: 401, reason: 'invalid_api_key' });
  });
});

describe('errors', () => {
  it('says it cannot reach the url when nothing listens there', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const error = await createWeatherClient({ url })
      .stations.list.query()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeatherClientError);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(describeClientError(error)).toMatch(
      new RegExp(`^cannot reach ${url}: fetch failed \\(connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+`),
    );
    expect(error).toMatchObject({ url, reason: 'unreachable', status: undefined });
  });

  it('carries the status, the API’s reason and its message for a bad input', async () => {
    const api = createWeatherClient({ url: web.url });
    const error = await api.weather.timeseries.query({ station_id: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeatherClientError);
    expect(error).toMatchObject({
      status: 400,
      reason: 'validation_failed',
      path: 'weather.timeseries',
      data: { httpStatus: 400, error: 'validation_failed', code: 'BAD_REQUEST' },
    });
    expect(describeClientError(error)).toBe(
      'weather.timeseries failed (HTTP 400, validation_failed): Invalid input: station_id: must be 1–64 characters of A-Z, a-z, 0-9, ".", "_", ":" or "-"',
    );

    const interval = await api.weather.timeseries
      // @ts-expect-error -- not an interval: the types refuse it before the server does
      .query({ station_id: 'ST-000', interval: '2h' })
      .catch((e: unknown) => e);
    expect(describeClientError(interval)).toMatch(
      /^weather\.timeseries failed \(HTTP 400, validation_failed\): Invalid input: interval: /,
    );
  });

  it('explains one call of a batch without failing the others', async () => {
    const api = createWeatherClient({ url: web.url });
    const [good, bad] = await Promise.allSettled([
      api.stations.list.query(),
      api.weather.aggregate.query({ station_id: 'no spaces allowed' }),
    ]);
    expect(good.status).toBe('fulfilled');
    expect(bad.status === 'rejected' && describeClientError(bad.reason)).toMatch(
      /^weather\.aggregate failed \(HTTP 400, validation_failed\): /,
    );
  });

  it('gives the status of an answer that is not from the tRPC API (a wrong url)', async () => {
    const error = await createWeatherClient({ url: collector.url })
      .stations.list.query()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeatherClientError);
    expect(describeClientError(error)).toMatch(
      new RegExp(
        `^stations\\.list failed \\(HTTP 404, not_found\\): .+ \\(not an answer of the tRPC API: is ${collector.url} the web app\\?\\)$`,
      ),
    );
  });

  it('refuses a bad url or apiKey up front', () => {
    expect(() => createWeatherClient({ url: 'ftp://x' })).toThrow(
      'Invalid weather API url "ftp://x": must be http:// or https://, not ftp://',
    );
    expect(() => createWeatherClient({ url: 'localhost:3000' })).toThrow(/must be http/);
    expect(() => createWeatherClient({ url: '127.0.0.1:3000' })).toThrow(/not an absolute URL/);
    expect(() => createWeatherClient({ url: 'http://h:3000/?a=1' })).toThrow(/query/);
    expect(() => createWeatherClient({ url: 'http://h:3000/#top' })).toThrow(/fragment/);
    expect(() => createWeatherClient({ url: 'http://u:p@h:3000' })).toThrow(/credentials/);
    expect(() => createWeatherClient({ url: 'http://h:3000/api/trpc' })).toThrow(/added by/);
    expect(() => createWeatherClient({ url: 'http://h:3000', apiKey: '' })).toThrow(/empty/);
    expect(() => createWeatherClient({ url: 'http://h:3000', apiKey: 'a b' })).toThrow(/apiKey/);
  });
});
