import { openApiContract } from '@weather/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeCollector, startFakeCollector } from './fake-collector';
import { type App, buildApp } from './helpers';

// Every documented operation and status of the generator, answered for real (its stations
// sending to a stand-in collector over HTTP), checked against /openapi.json.
let collector: FakeCollector;
let app: App;

beforeAll(async () => {
  collector = await startFakeCollector();
  app = await buildApp(collector.url);
});

afterAll(async () => {
  await app.inject({ method: 'POST', url: '/stop' });
  await app.close();
  await collector.close();
});

type Case = ['GET' | 'POST', string, string | undefined, string, number];
const json = 'application/json';
const huge = JSON.stringify({ pad: 'x'.repeat(2 << 20) });

describe('the OpenAPI document', () => {
  it('declares exactly the answers of every documented operation, success and error', async () => {
    const contract = openApiContract((await app.inject('/openapi.json')).json());
    const run = async (cases: Case[]) => {
      for (const [method, url, payload, contentType, status] of cases) {
        const res = await app.inject({
          method,
          url,
          ...(payload === undefined ? {} : { payload, headers: { 'content-type': contentType } }),
        });
        expect(`${method} ${url} → ${res.statusCode}`).toBe(`${method} ${url} → ${status}`);
        expect(contract.check(method, url, res)).toEqual([]);
      }
    };
    await run([
      ['GET', '/health', undefined, json, 200],
      ['GET', '/health?%ZZ', undefined, json, 400],
      ['GET', '/ready', undefined, json, 200],
      ['GET', '/ready?x=%', undefined, json, 400],
      ['GET', '/metrics', undefined, json, 200],
      ['GET', '/metrics?%C0%AF', undefined, json, 400],
      ['GET', '/status', undefined, json, 200],
      ['GET', '/status?x=%E0%A4%A', undefined, json, 400],
      ['GET', '/stations?count=3', undefined, json, 200],
      ['GET', '/stations?count=0', undefined, json, 400],
      ['POST', '/start', JSON.stringify({ stations: 2, interval: 0.05 }), json, 202],
      ['POST', '/start', JSON.stringify({ stations: 0 }), json, 400],
      ['POST', '/start', JSON.stringify({ collector_url: 'http://169.254.169.254' }), json, 400],
      ['POST', '/start', huge, json, 413],
      ['POST', '/start', 'stations=1', 'application/x-www-form-urlencoded', 415],
      ['GET', '/status', undefined, json, 200],
      ['POST', '/stop', undefined, json, 200],
      ['POST', '/stop', '{', json, 400],
      ['POST', '/stop', huge, json, 413],
      ['POST', '/stop', 'now', 'text/plain', 415],
    ]);
    // Slow answers keep the first backfill running, so the second one is refused.
    collector.answerWith((_request, res) => {
      setTimeout(() => {
        res.writeHead(503, { 'retry-after': '1', 'content-type': json });
        res.end('{"error":"kafka_unavailable","message":"down"}');
      }, 200);
      return true;
    });
    try {
      await run([
        ['POST', '/backfill', JSON.stringify({ stations: 1, days: 1 }), json, 202],
        ['POST', '/backfill', JSON.stringify({ stations: 1, days: 1 }), json, 409],
        ['GET', '/status', undefined, json, 200],
        ['POST', '/backfill', JSON.stringify({ days: 0 }), json, 400],
        ['POST', '/backfill', huge, json, 413],
        ['POST', '/backfill', '<days/>', 'application/xml', 415],
        ['POST', '/stop', undefined, json, 200],
      ]);
    } finally {
      collector.answerWith(undefined);
    }
    expect(contract.unexercised()).toEqual([]);
  });
});
