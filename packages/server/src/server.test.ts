import { Writable } from 'node:stream';
import { createLogger } from '@weather/core/logger';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createServer } from './server';

const silent = new Writable({ write: (_chunk, _encoding, callback) => callback() });
const info = { name: 'test', title: 'Test', description: 'A test service', version: '1.0.0' };

async function build(checks = [{ name: 'db', check: async () => {} }]) {
  const app = await createServer({
    info,
    logger: createLogger({ service: 'test', destination: silent }),
    checks,
    validationStatus: 422,
    bodyLimit: 1024,
  });
  app.post(
    '/echo',
    { schema: { body: z.object({ value: z.number().min(0) }) } },
    async (request) => request.body,
  );
  return app;
}

describe('createServer', () => {
  it('answers /health without touching dependencies', async () => {
    const app = await build([{ name: 'db', check: () => Promise.reject(new Error('down')) }]);
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', service: 'test' });
  });

  it('reports each dependency on /ready, 503 when one fails or hangs', async () => {
    const ok = await build();
    expect((await ok.inject({ method: 'GET', url: '/ready' })).json()).toEqual({
      status: 'ready',
      checks: { db: 'ok' },
    });
    const app = await createServer({
      info,
      logger: createLogger({ service: 'test', destination: silent }),
      readyTimeoutMs: 50,
      checks: [
        { name: 'kafka', check: () => Promise.reject(new Error('connection refused')) },
        { name: 'redis', check: () => new Promise(() => {}) },
      ],
    });
    const res = await app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'not_ready',
      checks: { kafka: 'connection refused', redis: 'no answer within 50 ms' },
    });
  });

  it('serves Prometheus metrics and an OpenAPI document that lists the routes', async () => {
    const app = await build();
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('process_cpu_seconds_total');
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.info.title).toBe('Test');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/ready', '/echo']));
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('answers bad input with clear JSON errors, never 500', async () => {
    const app = await build();
    const post = (payload: string, contentType = 'application/json') =>
      app.inject({
        method: 'POST',
        url: '/echo',
        payload,
        headers: { 'content-type': contentType },
      });

    const malformed = await post('{"value": ');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toBe('malformed_json');

    const invalid = await post('{"value": -1}');
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json()).toMatchObject({
      error: 'validation_failed',
      details: [{ path: 'value' }],
    });
    expect(invalid.json().message).toMatch(/value/);

    const tooLarge = await post(JSON.stringify({ value: 1, pad: 'x'.repeat(2000) }));
    expect(tooLarge.statusCode).toBe(413);

    const wrongType = await post('value=1', 'application/x-www-form-urlencoded');
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json().error).toBe('unsupported_media_type');

    const missing = await app.inject({ method: 'GET', url: '/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'not_found', message: 'No route for GET /nope' });

    expect((await post('{"value": 2}')).json()).toEqual({ value: 2 });
  });
});

describe('trace context', () => {
  it('continues the caller trace and logs the request under it', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(JSON.parse(chunk.toString()));
        callback();
      },
    });
    const app = await createServer({
      info,
      logger: createLogger({ service: 'test', destination }),
    });
    app.get('/traced', async (request) => {
      request.log.info('inside');
      return { trace: request.trace.traceId, span: request.trace.spanId };
    });
    const res = await app.inject({
      method: 'GET',
      url: '/traced',
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    const body = res.json();
    expect(body.trace).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(body.span).not.toBe('00f067aa0ba902b7');
    const inside = lines.find((l) => l.msg === 'inside');
    expect(inside).toMatchObject({ trace_id: body.trace, span_id: body.span });
  });
});
