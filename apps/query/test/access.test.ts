import { randomBytes } from 'node:crypto';
import { QueryCache } from '@weather/api';
import { accessServices, createApiKey, revokeApiKey } from '@weather/auth';
import { createLogger } from '@weather/core/logger';
import { infrastructure } from '@weather/core/services';
import { issueToken } from '@weather/core/tokens';
import { registerStation } from '@weather/db';
import { createTestDatabase } from '@weather/db/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';

// The query service's access (SPEC §15): PUBLIC_READ=false, API keys, ingest tokens refused,
// CORS closed unless listed, and the security headers, over a real database and Redis.
const baseUrl = process.env.DATABASE_URL ?? infrastructure.TEST_DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? infrastructure.REDIS_URL;
const LISTED = 'https://charts.example.org';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: Redis;
let closed: Awaited<ReturnType<typeof createApp>>;
let key: string;
let revoked: string;

beforeAll(async () => {
  database = await createTestDatabase(baseUrl, 'query_access');
  redis = new Redis(redisUrl);
  await registerStation(database.db, 'QA-1', { name: 'Roof' });
  key = (await createApiKey(database.db, { name: 'dashboards', role: 'viewer' })).key;
  const old = await createApiKey(database.db, { name: 'old', role: 'viewer' });
  await revokeApiKey(database.db, old.info.id);
  revoked = old.key;
  const env = {
    PUBLIC_READ: false,
    AUTH_SECRET: randomBytes(32).toString('hex'),
    PUBLIC_URL: 'http://localhost:3000',
    TRUSTED_ORIGINS: [],
  };
  closed = await createApp({
    logger: createLogger({ service: 'query-access-test', level: 'silent' }),
    db: database.db,
    cache: new QueryCache(redis, { namespace: database.name }),
    access: accessServices({ db: database.db, env }).access,
    publicRead: false,
    corsOrigins: [LISTED],
  });
});

afterAll(async () => {
  await closed?.close();
  await database?.drop();
  redis?.disconnect();
});

const get = (url: string, headers: Record<string, string> = {}) =>
  closed.inject({ method: 'GET', url, headers });

describe('the query service with PUBLIC_READ=false', () => {
  it('answers 401 JSON without credentials, and reads with an API key', async () => {
    const anonymous = await get('/stations');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({ error: 'sign_in_required', message: expect.any(String) });
    const keyed = await get('/stations', { authorization: `Bearer ${key}` });
    expect(keyed.statusCode).toBe(200);
    expect(keyed.json()).toEqual([expect.objectContaining({ station_id: 'QA-1', name: 'Roof' })]);
  });

  it('refuses a revoked key, an ingest token and another scheme, each by name', async () => {
    const reasons = [];
    for (const authorization of [
      `Bearer ${revoked}`,
      `Bearer ${issueToken('gateway').token}`,
      'Bearer',
    ]) {
      const res = await get('/weather/QA-1', { authorization });
      expect(res.statusCode).toBe(401);
      reasons.push(res.json().error);
    }
    expect(reasons).toEqual([
      'invalid_api_key',
      'ingest_token_not_api_key',
      'invalid_authorization',
    ]);
  });

  it('keeps health, readiness, metrics and docs open, and documents the security', async () => {
    for (const url of ['/health', '/ready', '/metrics', '/openapi.json']) {
      expect([url, (await get(url)).statusCode]).toEqual([url, 200]);
    }
    const document = (await get('/openapi.json')).json();
    expect(document.components.securitySchemes).toMatchObject({
      apiKey: { type: 'http', scheme: 'bearer' },
      session: { type: 'apiKey', in: 'cookie' },
    });
    // Closed reads: no empty (anonymous) requirement.
    expect(document.paths['/stations'].get.security).toEqual([{ apiKey: [] }, { session: [] }]);
  });
});

describe('CORS and headers', () => {
  it('lets only a listed origin read from a browser, never with credentials', async () => {
    const listed = await get('/stations', { origin: LISTED, authorization: `Bearer ${key}` });
    expect(listed.headers['access-control-allow-origin']).toBe(LISTED);
    expect(listed.headers['access-control-allow-credentials']).toBeUndefined();
    const other = await get('/stations', {
      origin: 'https://evil.example',
      authorization: `Bearer ${key}`,
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await closed.inject({
      method: 'OPTIONS',
      url: '/stations',
      headers: { origin: LISTED, 'access-control-request-method': 'GET' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/authorization/);
    // A bare OPTIONS (no Origin) is no error, and never a plain-text one.
    const bare = await closed.inject({ method: 'OPTIONS', url: '/' });
    expect(bare.statusCode).toBeLessThan(400);
  });

  it('sends nosniff, a referrer policy and a closed CSP', async () => {
    const res = await get('/stations');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    // The docs page is HTML that loads its scripts: not under the answers' closed policy.
    const docs = await get('/docs');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/^text\/html/);
    expect(String(docs.headers['content-security-policy'] ?? '')).not.toContain(
      "default-src 'none'",
    );
  });
});
