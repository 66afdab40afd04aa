import { randomBytes } from 'node:crypto';
import { freePort, redisUrl, ServiceProcess } from '@weather/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededDatabase, startWeb } from './web-server';

// Cross-site safety headers as a browser meets them (SPEC §15), from the built server: the
// proxy's per-request page CSP, next.config's static headers, and CORS closed unless listed.
const station = `SEC-${randomBytes(3).toString('hex')}`;
const LISTED = 'https://charts.example.org';
const UNLISTED = 'https://elsewhere.example.net';
const PAGES = ['/', '/stations', `/stations/${station}`, '/docs'];
const APIS = ['/api/stations', '/api/health'];

let database: Awaited<ReturnType<typeof seededDatabase>>;
let web: ServiceProcess;
let corsWeb: ServiceProcess;

beforeAll(async () => {
  database = await seededDatabase('web_security', station);
  web = await startWeb(database.url);
  corsWeb = await new ServiceProcess(
    'web',
    await freePort(),
    {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      LOG_LEVEL: 'warn',
      CORS_ORIGINS: `${LISTED}, https://other.example.org`,
    },
    { built: true },
  ).start();
});

afterAll(async () => {
  await Promise.all([web?.stop(), corsWeb?.stop()]);
  await database?.drop();
});

function nonceOf(csp: string | null) {
  return /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp ?? '')?.[1];
}

async function get(base: string, path: string, init?: RequestInit) {
  const res = await fetch(`${base}${path}`, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('every response', () => {
  it.each([...PAGES, ...APIS, '/no-such-page', '/api/no-such-route'])(
    '%s carries nosniff, the referrer policy and X-Frame-Options',
    async (path) => {
      const { headers } = await get(web.url, path);
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(headers.get('x-frame-options')).toBe('DENY');
    },
  );
});

describe('pages', () => {
  it.each([...PAGES, '/no-such-page'])(
    '%s has the nonce policy, and its every script carries that nonce',
    async (path) => {
      const { headers, text } = await get(web.url, path);
      const csp = headers.get('content-security-policy');
      const nonce = nonceOf(csp);
      expect(csp).toBe(
        `default-src 'self'; script-src 'self' 'nonce-${nonce}' 'strict-dynamic'; ` +
          "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
          "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; " +
          "frame-ancestors 'none'",
      );
      expect(nonce?.length).toBeGreaterThanOrEqual(22);
      // Rendered per request, so Next put the nonce on its scripts; a prerendered page has none.
      const scripts = text.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      expect(scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`))).toEqual([]);
    },
  );

  it('gets a fresh nonce on every request, and never unsafe-eval', async () => {
    const policies = await Promise.all(
      ['/', '/', '/docs'].map(async (path) =>
        (await get(web.url, path)).headers.get('content-security-policy'),
      ),
    );
    expect(new Set(policies.map(nonceOf)).size).toBe(3);
    for (const csp of policies) expect(csp).not.toContain('unsafe-eval');
  });
});

describe('API responses', () => {
  it.each([...APIS, '/api/openapi.json', '/api/trpc/stations.list', '/api/no-such-route'])(
    '%s load nothing and may not be framed',
    async (path) => {
      const { headers } = await get(web.url, path);
      expect(headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
    },
  );

  it("keeps the API's CSP on the proxy's own refusals", async () => {
    const res = await get(web.url, '/api/stations', { method: 'PROPFIND' });
    expect(res.status).toBe(405);
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('CORS', () => {
  const preflight = (origin: string, path = '/api/stations') =>
    get(corsWeb.url, path, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });

  it('is closed when no origin is listed: no CORS headers, OPTIONS answered as before', async () => {
    const read = await get(web.url, '/api/stations', { headers: { origin: LISTED } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    const options = await get(web.url, '/api/stations', {
      method: 'OPTIONS',
      headers: { origin: LISTED, 'access-control-request-method': 'GET' },
    });
    expect([options.status, options.headers.get('allow')]).toEqual([204, 'GET, HEAD, OPTIONS']);
    expect(options.headers.get('access-control-allow-origin')).toBeNull();
    expect(options.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('answers a listed origin’s preflight with 204 and what it may send', async () => {
    const res = await preflight(LISTED);
    expect(res.status).toBe(204);
    expect(
      Object.fromEntries([...res.headers].filter(([key]) => key.startsWith('access-control-'))),
    ).toEqual({
      'access-control-allow-origin': LISTED,
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-max-age': '600',
    });
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
  });

  it('lets a listed origin read answers, never with credentials', async () => {
    for (const path of [
      '/api/stations',
      `/api/weather/${station}?limit=1`,
      '/api/trpc/stations.list',
    ]) {
      const res = await get(corsWeb.url, path, { headers: { origin: LISTED } });
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.headers.get('access-control-allow-origin')).toBe(LISTED);
      expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
    const refused = await get(corsWeb.url, '/api/stations', {
      method: 'PROPFIND',
      headers: { origin: LISTED },
    });
    expect([refused.status, refused.headers.get('access-control-allow-origin')]).toEqual([
      405,
      LISTED,
    ]);
  });

  it('gives an unlisted origin no CORS headers, and its preflight the plain OPTIONS answer', async () => {
    const read = await get(corsWeb.url, '/api/stations', { headers: { origin: UNLISTED } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    const res = await preflight(UNLISTED);
    expect([res.status, res.headers.get('allow')]).toEqual([204, 'GET, HEAD, OPTIONS']);
    expect([...res.headers.keys()].filter((key) => key.startsWith('access-control-'))).toEqual([]);
  });

  it('keeps sign-in and the pages same-origin even for a listed origin', async () => {
    const auth = await preflight(LISTED, '/api/auth/sign-in/email');
    expect(auth.headers.get('access-control-allow-origin')).toBeNull();
    const page = await get(corsWeb.url, '/', { headers: { origin: LISTED } });
    expect(page.status).toBe(200);
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
  });
});
