import { Writable } from 'node:stream';
import { createLogger } from '@weather/core/logger';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createServer } from './server';

const TOKEN = 'control-token-for-the-test-0123456789';
const silent = new Writable({ write: (_chunk, _encoding, callback) => callback() });

async function build(controlToken?: string) {
  const app = await createServer({
    info: { name: 'test', title: 'Test', description: 'A test service', version: '1.0.0' },
    logger: createLogger({ service: 'test', destination: silent }),
    checks: [{ name: 'db', check: async () => {} }],
    controlToken,
  });
  app.post('/start', { schema: { body: z.object({ n: z.number() }) } }, async () => ({ ok: true }));
  app.get('/stats', { schema: { summary: 'Figures' } }, async () => ({ figures: 1 }));
  await app.ready();
  return app;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('CONTROL_TOKEN', () => {
  it('refuses the controls without the token or with a wrong one (401 JSON), and lets the right one through', async () => {
    const app = await build(TOKEN);
    const start = (headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: '/start', payload: { n: 1 }, headers });
    const missing = await start();
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toEqual({
      error: 'control_token_required',
      message: expect.any(String),
    });
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await start(bearer(`${TOKEN}x`));
    expect([wrong.statusCode, wrong.json().error]).toEqual([401, 'invalid_control_token']);
    expect(JSON.stringify(wrong.json())).not.toContain(TOKEN);
    expect((await start({ authorization: TOKEN })).statusCode).toBe(401);
    expect((await start(bearer(TOKEN))).statusCode).toBe(200);
    expect((await app.inject({ url: '/stats', headers: bearer(TOKEN) })).statusCode).toBe(200);
    expect((await app.inject({ url: '/stats' })).statusCode).toBe(401);
  });

  it('leaves /health, /ready, /metrics and the docs open, and none of them shows the token', async () => {
    const app = await build(TOKEN);
    for (const url of [
      '/health',
      '/ready',
      '/metrics',
      '/openapi.json',
      '/docs',
      '/docs/static/index.html',
    ]) {
      const res = await app.inject({ url });
      expect([url, res.statusCode < 400]).toEqual([url, true]);
      expect(res.body).not.toContain(TOKEN);
    }
    // An unknown route is still a 404, token or not.
    expect((await app.inject({ url: '/nope' })).statusCode).toBe(404);
  });

  it('documents the scheme and the 401 on the guarded operations only', async () => {
    const doc = (await (await build(TOKEN)).inject({ url: '/openapi.json' })).json();
    expect(doc.components.securitySchemes.controlToken).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.paths['/start'].post.security).toEqual([{ controlToken: [] }]);
    expect(doc.paths['/start'].post.responses['401']).toBeDefined();
    expect(doc.paths['/health'].get.security).toBeUndefined();
    const open = (await (await build()).inject({ url: '/openapi.json' })).json();
    expect(open.paths['/start'].post.security).toBeUndefined();
  });

  it('is off without a token: every route answers as before', async () => {
    const app = await build();
    expect(
      (await app.inject({ method: 'POST', url: '/start', payload: { n: 1 } })).statusCode,
    ).toBe(200);
  });
});
