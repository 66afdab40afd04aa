import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeCollector, startFakeCollector } from './fake-collector';
import { type App, buildApp } from './helpers';

// With CONTROL_TOKEN set, the simulator's controls and status answer only who holds it.
const TOKEN = 'generator-control-token-0123456789';
let collector: FakeCollector;
let app: App;

beforeAll(async () => {
  collector = await startFakeCollector();
  app = await buildApp(collector.url, { controlToken: TOKEN });
});

afterAll(async () => {
  await app.inject({ method: 'POST', url: '/stop', headers: { authorization: `Bearer ${TOKEN}` } });
  await app.close();
  await collector.close();
});

describe('generator controls with CONTROL_TOKEN', () => {
  it.each([
    ['POST', '/start'],
    ['POST', '/stop'],
    ['POST', '/backfill'],
    ['GET', '/status'],
    ['GET', '/stations'],
  ] as const)('%s %s: 401 without or with a wrong token, nothing started', async (method, url) => {
    for (const headers of [{}, { authorization: 'Bearer not-the-control-token' }]) {
      const res = await app.inject({
        method,
        url,
        headers,
        ...(method === 'POST' ? { payload: {} } : {}),
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toMatch(/control_token/);
    }
    expect(collector.requests).toHaveLength(0);
  });

  it('starts, reports and stops with the right token; /health and /ready stay open', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const started = await app.inject({
      method: 'POST',
      url: '/start',
      headers: auth,
      payload: { stations: 1 },
    });
    expect(started.statusCode).toBe(202);
    expect(
      (await app.inject({ method: 'GET', url: '/status', headers: auth })).json().running,
    ).toBe(true);
    expect((await app.inject({ method: 'POST', url: '/stop', headers: auth })).statusCode).toBe(
      200,
    );
    for (const url of ['/health', '/ready', '/metrics']) {
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
    }
  });
});
