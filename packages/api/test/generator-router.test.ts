import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TRPCError } from '@trpc/server';
import { trustedAccess } from '@weather/auth/access';
import type { GeneratorStatus, RunStatus } from '@weather/contracts/generator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generatorRouter } from '../src/router/generator';
import { type ApiContext, createCallerFactory, router } from '../src/trpc';

// The generator procedures against a stand-in generator over HTTP: they forward validated
// options, return validated answers, and keep the generator's refusals meaningful.
const counters = {
  generated: 0,
  sent: 0,
  accepted: 0,
  rejected: 0,
  retried: 0,
  unique_accepted: 0,
  duplicates_sent: 0,
  duplicates_accepted: 0,
  dropped: 0,
  discarded: 0,
  unknown_outcome: 0,
  in_flight: 0,
  requests: { total: 0, accepted: 0, rejected: 0, unavailable: 0, failed: 0 },
  rejections: {},
  faults: {
    duplicates: 0,
    out_of_order: 0,
    late_uploads: 0,
    late_readings: 0,
    clock_skewed: 0,
    invalid: 0,
    invalid_by_kind: {},
    bursts: 0,
    burst_readings: 0,
  },
  readings_per_second: 0,
  last_error: null,
};
const run: RunStatus = {
  state: 'running',
  started_at: '2026-01-01T00:00:00.000Z',
  stopped_at: null,
  buffered: 0,
  options: {
    stations: 3,
    interval: 1,
    use_batch: true,
    batch_size: 5,
    collector_url: 'http://127.0.0.1:8001',
    duplicate_percent: 20,
    out_of_order_percent: 0,
    late_upload_percent: 0,
    offline_readings: 12,
    clock_skew_percent: 0,
    clock_skew_seconds: 120,
    invalid_percent: 0,
    burst_percent: 0,
    burst_size: 20,
    protocols: ['json'],
    firmware_quirks_percent: 0,
    buffer_size: 1000,
    seed: 1,
  },
  ...counters,
  accepted: 12,
};

let server: Server;
let url: string;
let answer: (path: string, body: unknown) => { status: number; body: unknown };
const calls: { method: string; path: string; body: unknown; authorization?: string }[] = [];

async function readBody(req: IncomingMessage) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : undefined;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await readBody(req);
    calls.push({
      method: req.method ?? '',
      path: req.url ?? '',
      body,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    const reply = answer(req.url ?? '', body);
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

beforeEach(() => {
  calls.length = 0;
});

const createCaller = createCallerFactory(router({ generator: generatorRouter }));
// These procedures use neither the database nor the cache.
// As an admin: these tests are about forwarding (access has its own, test/access.test.ts).
const access = trustedAccess({ kind: 'api_key', role: 'admin', keyId: 1, name: 'test' });
const caller = (generatorUrl: string) =>
  createCaller({ generatorUrl, access } as ApiContext).generator;

async function trpcError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe('generator procedures', () => {
  it('returns the status the generator reports', async () => {
    const status: GeneratorStatus = { running: true, run, backfill: null };
    answer = () => ({ status: 200, body: status });
    expect(await caller(url).status()).toEqual(status);
    expect(calls).toEqual([{ method: 'GET', path: '/status', body: undefined }]);
  });

  it('forwards start options with the defaults applied, leaving the collector to the generator', async () => {
    answer = () => ({ status: 202, body: { status: 'started', run } });
    const result = await caller(url).start({ stations: 3, invalid_percent: 5 });
    expect(result).toEqual({ status: 'started', run });
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/start' });
    expect(calls[0]?.body).toMatchObject({
      stations: 3,
      invalid_percent: 5,
      interval: 1,
      duplicate_percent: 20,
    });
    expect(calls[0]?.body).not.toHaveProperty('collector_url');
    // Then the run's stations, whose names and places go into the registry.
    expect(calls[1]).toMatchObject({ method: 'GET', path: '/stations?count=3&seed=1' });
    await caller(url).start();
    expect(calls[2]?.body).toMatchObject({ stations: 10 });
  });

  it('refuses bad options before calling the generator', async () => {
    const error = await trpcError(caller(url).start({ stations: 0 }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('between 1 and 10000');
    expect((await trpcError(caller(url).backfill({ days: -1 }))).code).toBe('BAD_REQUEST');
    expect(calls).toEqual([]);
  });

  it('keeps the meaning of the generator refusals: 400 bad request, 409 conflict', async () => {
    answer = (path) =>
      path === '/backfill'
        ? {
            status: 409,
            body: { error: 'backfill_running', message: 'A backfill is already running' },
          }
        : {
            status: 400,
            body: { error: 'validation_failed', message: 'Invalid body: /stations bad' },
          };
    const conflict = await trpcError(caller(url).backfill({ stations: 2 }));
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.message).toBe('A backfill is already running');
    const bad = await trpcError(caller(url).start({}));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toContain('/stations');
  });

  it('reports an unreachable generator as SERVICE_UNAVAILABLE, naming its URL', async () => {
    const error = await trpcError(caller('http://127.0.0.1:1').stop());
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).toContain('http://127.0.0.1:1');
  });

  it('reports an answer of the wrong shape as BAD_GATEWAY', async () => {
    answer = () => ({ status: 200, body: { running: 'yes' } });
    expect((await trpcError(caller(url).status())).code).toBe('BAD_GATEWAY');
  });

  it('lists the simulated stations, passing count and seed on', async () => {
    const station = {
      id: 'SIM-001',
      name: 'Oakford Hill',
      latitude: 51.2,
      longitude: -1.5,
      elevation: 120,
      timezone: 'Europe/London',
      climate: {
        kind: 'maritime',
        mean_temperature: 10,
        seasonal_amplitude: 6,
        diurnal_range: 7,
        dew_point_depression: 3,
        mean_wind_speed: 6,
        prevailing_wind: 240,
        showers_per_day: 1.2,
        fronts_per_week: 2,
        mean_pressure: 1013,
      },
    };
    answer = () => ({ status: 200, body: [station] });
    expect(await caller(url).stations({ count: 1, seed: 4 })).toEqual([station]);
    expect(calls[0]).toMatchObject({ method: 'GET', path: '/stations?count=1&seed=4' });
  });

  it('sends CONTROL_TOKEN to the generator when the web app has one, and nothing otherwise', async () => {
    answer = () => ({ status: 200, body: { running: true, run, backfill: null } });
    const controlToken = 'web-control-token-0123456789';
    await createCaller({ generatorUrl: url, controlToken } as ApiContext).generator.status();
    await caller(url).status();
    expect(calls.map((c) => c.authorization)).toEqual([`Bearer ${controlToken}`, undefined]);
  });

  it('stops through POST /stop and returns the final counts', async () => {
    answer = () => ({
      status: 200,
      body: { status: 'stopped', run: { ...run, state: 'stopped' }, backfill: null },
    });
    const result = await caller(url).stop();
    expect(result.status).toBe('stopped');
    expect(result.run?.accepted).toBe(12);
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/stop', body: undefined });
  });
});
