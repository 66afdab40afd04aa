import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { Writable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { createLogger } from '@weather/core/logger';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createServer, type ServerOptions } from '../src/index';
import { openApiContract } from '../src/testing';
import { rawRequest } from './raw-http';

// The kit as a real listening server (raw sockets where a client library would refuse to send
// what an attacker sends), and through fastify.inject where the socket does not matter.
const silent = new Writable({ write: (_chunk, _encoding, callback) => callback() });
const info = { name: 'test', title: 'Test', description: 'A test service', version: '1.0.0' };
const servers: Awaited<ReturnType<typeof createServer>>[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const value = z.object({ value: z.number() });

async function build(options: Partial<ServerOptions> = {}) {
  const app = await createServer({
    info,
    logger: createLogger({ service: 'test', destination: silent }),
    validationStatus: 422,
    ...options,
  });
  app.post(
    '/echo',
    { schema: { body: value, response: { 200: value } } },
    async (request) => request.body,
  );
  app.post(
    '/strict',
    { schema: { body: z.strictObject({ value: z.number() }), response: { 200: value } } },
    async (request) => request.body,
  );
  servers.push(app);
  return app;
}

async function listening(options: Partial<ServerOptions> = {}) {
  const app = await build(options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, port: (app.server.address() as AddressInfo).port };
}

const get = (path: string, headers = '') =>
  `GET ${path} HTTP/1.1\r\nHost: test\r\n${headers}Connection: close\r\n\r\n`;

/** Asserts the JSON error shape and returns it. */
function errorOf(answer: { headers: Record<string, string>; body: string }) {
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'message']);
  return body as { error: string; message: string };
}

describe('framework-level errors', () => {
  it('answers a wrong method on a known route with 405, Allow and a JSON body', async () => {
    const { port } = await listening();
    const answer = await rawRequest(port, get('/echo'));
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
    expect(errorOf(answer)).toEqual({
      error: 'method_not_allowed',
      message: 'GET is not allowed here; allowed: POST',
    });
    const health = await rawRequest(port, `DELETE /health HTTP/1.1\r\nHost: t\r\n\r\n`, 1000);
    expect(health.status).toBe(405);
    expect(health.headers.allow).toBe('GET, HEAD');
  });

  it.each([
    ['a malformed escape in the path', '/echo/%ZZ'],
    ['an overlong UTF-8 sequence in the path', '/stations/%C0%AF'],
    ['a truncated escape in the query', '/health?x=%E0%A4%A'],
    ['a lone percent sign in the query', '/health?discount=100%'],
  ])('answers %s with 400 JSON', async (_name, path) => {
    const { port } = await listening();
    const answer = await rawRequest(port, get(path));
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({
      error: 'malformed_url',
      message: expect.stringMatching(/^Malformed URL/),
    });
  });

  it('answers headers over 16 KiB with 431 and a request that is not HTTP with 400, both JSON', async () => {
    const { port } = await listening();
    const big = await rawRequest(port, get('/health', `X-Big: ${'a'.repeat(20_000)}\r\n`));
    expect(big.status).toBe(431);
    expect(errorOf(big).error).toBe('headers_too_large');
    expect(big.closed).toBe(true);
    const garbage = await rawRequest(port, 'HELLO\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(errorOf(garbage)).toEqual({ error: 'bad_request', message: 'Malformed HTTP request' });
  });
});

describe('connection bounds', () => {
  it('sets bounded timeouts and a connection limit by default', async () => {
    const { app, port } = await listening();
    expect(app.server.keepAliveTimeout).toBe(5000);
    expect(app.server.headersTimeout).toBe(10_000);
    expect(app.server.requestTimeout).toBe(30_000);
    expect(app.server.maxConnections).toBe(1024);
    const answer = await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: t\r\n\r\n', 200);
    expect(answer.headers['keep-alive']).toBe('timeout=5');
  });

  it('closes an idle keep-alive connection after keepAliveTimeoutMs', async () => {
    const { port } = await listening({ limits: { keepAliveTimeoutMs: 300 } });
    const answer = await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: t\r\n\r\n');
    expect(answer.status).toBe(200);
    expect(answer.closed).toBe(true);
    expect(answer.closedAfterMs).toBeLessThan(2500);
  });

  it('answers 408 JSON when the headers or the body do not arrive in time', async () => {
    const { port } = await listening({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
    const headers = await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: t\r\n');
    expect(headers.status).toBe(408);
    expect(errorOf(headers).error).toBe('request_timeout');
    expect(headers.closedAfterMs).toBeLessThan(3000);
    const body = await rawRequest(
      port,
      'POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"va',
    );
    expect(body.status).toBe(408);
    expect(errorOf(body).error).toBe('request_timeout');
    // A connection that never sends anything is dropped too.
    const silentClient = await rawRequest(port, '');
    expect(silentClient.closed).toBe(true);
    expect(silentClient.closedAfterMs).toBeLessThan(3000);
  });

  it('refuses connections beyond maxConnections and takes new ones once some close', async () => {
    const { port } = await listening({ limits: { maxConnections: 2 } });
    const open = await Promise.all(
      [1, 2].map(
        () =>
          new Promise<net.Socket>((resolve) => {
            const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
          }),
      ),
    );
    // The server has counted both before it sees the third.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await rawRequest(port, get('/health'), 2000);
    expect(refused.status).toBe(0);
    expect(refused.closed).toBe(true);
    for (const socket of open) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await rawRequest(port, get('/health'))).status).toBe(200);
  });
});

describe('request bodies', () => {
  const post = async (
    url: string,
    payload: string | Buffer,
    headers: Record<string, string> = {},
    options: Partial<ServerOptions> = {},
  ) => {
    const app = await build({ bodyLimit: 1024 * 1024, ...options });
    return app.inject({
      method: 'POST',
      url,
      payload,
      headers: { 'content-type': 'application/json', ...headers },
    });
  };

  it('parses __proto__ and constructor keys as plain keys and validates them like any other', async () => {
    const hostile =
      '{"value": 1, "__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}';
    const loose = await post('/echo', hostile);
    expect(loose.statusCode).toBe(200);
    expect(loose.json()).toEqual({ value: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const strict = await post('/strict', hostile);
    expect(strict.statusCode).toBe(422);
    expect(strict.json().message).toMatch(/__proto__/);
    expect(strict.json().message).toMatch(/constructor/);
  });

  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('accepts a %s body', async (encoding, compress) => {
    const res = await post('/echo', compress('{"value": 7}'), { 'content-encoding': encoding });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ value: 7 });
  });

  it('refuses a body over the limit once decoded with 413, however small it was compressed', async () => {
    const bomb = gzipSync(Buffer.alloc(2 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(10_000);
    const res = await post('/echo', bomb, { 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      error: 'payload_too_large',
      message: 'Request body is larger than 1048576 bytes once decoded (gzip)',
    });
  });

  it('refuses a body that does not decode with 400 and an unknown encoding with 415', async () => {
    const garbled = await post('/echo', '{"value": 7}', { 'content-encoding': 'gzip' });
    expect(garbled.statusCode).toBe(400);
    expect(garbled.json()).toMatchObject({
      error: 'malformed_body',
      message: expect.stringContaining('not valid gzip'),
    });
    for (const encoding of ['zstd', 'gzip, br', 'compress']) {
      const res = await post('/echo', '{"value": 7}', { 'content-encoding': encoding });
      expect(res.statusCode).toBe(415);
      expect(res.json().error).toBe('unsupported_media_type');
    }
    const identity = await post('/echo', '{"value": 7}', { 'content-encoding': 'identity' });
    expect(identity.statusCode).toBe(200);
  });

  it('stays up when a body that does not decode is never read (415, unknown route)', async () => {
    // Found by the fuzz suite: the content type is refused before the body is read, and the
    // decoder's later error had no listener — an uncaught exception that ended the process.
    const { port } = await listening();
    const base = `http://127.0.0.1:${port}`;
    for (const [path, type] of [
      ['/echo', 'text/plain'],
      ['/F&KiHe9%60', 'application/xml'],
    ] as const) {
      const res = await fetch(`${base}${path}`, {
        method: 'PATCH',
        headers: { 'content-type': type, 'content-encoding': 'gzip' },
        body: 'not gzip at all',
      });
      expect([404, 405, 415]).toContain(res.status);
      expect(await res.json()).toMatchObject({ error: expect.any(String) });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('parses and handles only a few large bodies at a time, answering all of them', async () => {
    const app = await build({ maxLargeBodiesInFlight: 2 });
    let active = 0;
    let most = 0;
    app.post('/slow', async (request) => {
      active++;
      most = Math.max(most, active);
      await new Promise((resolve) => setTimeout(resolve, 30));
      active--;
      return { bytes: JSON.stringify(request.body).length };
    });
    const large = JSON.stringify({ pad: 'x'.repeat(100_000) });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        app.inject({
          method: 'POST',
          url: '/slow',
          payload: large,
          headers: { 'content-type': 'application/json' },
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(most).toBe(2);
  });
});

describe('OpenAPI document', () => {
  it('declares exactly the shapes the shared routes answer with, for every status it lists', async () => {
    const failing = { name: 'db', check: () => Promise.reject(new Error('connection refused')) };
    const healthy = await build({ checks: [{ name: 'db', check: async () => {} }] });
    const sick = await build({ checks: [failing] });
    const contract = openApiContract((await healthy.inject('/openapi.json')).json());
    const check = async (
      app: typeof healthy,
      method: 'GET' | 'POST',
      url: string,
      payload?: string,
    ) => {
      const res = await app.inject({
        method,
        url,
        ...(payload === undefined
          ? {}
          : { payload, headers: { 'content-type': 'application/json' } }),
      });
      expect(contract.check(method, url, res)).toEqual([]);
      return res.statusCode;
    };
    expect(await check(healthy, 'GET', '/health')).toBe(200);
    expect(await check(healthy, 'GET', '/health?x=%ZZ')).toBe(400);
    expect(await check(healthy, 'GET', '/ready')).toBe(200);
    expect(await check(sick, 'GET', '/ready')).toBe(503);
    expect(await check(healthy, 'GET', '/ready?%')).toBe(400);
    expect(await check(healthy, 'GET', '/metrics')).toBe(200);
    expect(await check(healthy, 'GET', '/metrics?%E0')).toBe(400);
    expect(await check(healthy, 'POST', '/echo', '{"value": 1}')).toBe(200);
    expect(await check(healthy, 'POST', '/echo', '{"value": ')).toBe(400);
    expect(
      await check(healthy, 'POST', '/echo', JSON.stringify({ pad: 'x'.repeat(2 << 20) })),
    ).toBe(413);
    const form = await healthy.inject({
      method: 'POST',
      url: '/echo',
      payload: 'value=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(415);
    expect(contract.check('POST', '/echo', form)).toEqual([]);
    expect(await check(healthy, 'POST', '/echo', '{"value": "one"}')).toBe(422);
    expect(contract.unexercised().filter((op) => !op.includes('/strict'))).toEqual([]);
  });

  it('reports answers that do not match the document', async () => {
    const app = await build();
    const contract = openApiContract((await app.inject('/openapi.json')).json());
    const json = { 'content-type': 'application/json; charset=utf-8' };
    const wrong = {
      statusCode: 200,
      headers: json,
      body: '{"status":"ok","uptime_s":"1","extra":1}',
    };
    const problems = contract.check('GET', '/health', wrong);
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("must have required property 'service'"),
        expect.stringContaining('body/uptime_s must be number'),
        expect.stringContaining('must NOT have additional properties'),
      ]),
    );
    expect(contract.check('GET', '/nowhere', wrong)).toEqual([
      'GET /nowhere → 200: operation not documented',
    ]);
    expect(contract.check('GET', '/health', { ...wrong, statusCode: 500 })).toEqual([
      'GET /health → 500: status not documented',
    ]);
    expect(
      contract.check('GET', '/metrics', { statusCode: 200, headers: json, body: '{}' }),
    ).toEqual([
      'GET /metrics → 200: content type application/json not documented (documented: text/plain)',
    ]);
  });
});
