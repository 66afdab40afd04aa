import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accessServices, createApiKey, createUser, listUsers, revokeApiKey } from '@weather/auth';
import { infrastructure } from '@weather/core/services';
import { issueToken } from '@weather/core/tokens';
import { addCredential, loadIngestView, registerStation } from '@weather/db';
import { createTestDatabase } from '@weather/db/testing';
import { IngestView } from '@weather/registry';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiContext, appRouter, handleRest, handleTrpc, QueryCache } from '../src';

// Operator access (SPEC §15) over HTTP, as the web app wires it: Better Auth's endpoints, tRPC
// and REST in one server, over a real PostgreSQL database and Redis. Every mutation of the
// router is driven from one table, so a new one without declared access fails here.
const baseUrl = process.env.DATABASE_URL ?? infrastructure.TEST_DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? infrastructure.REDIS_URL;
const PASSWORD = 'correct horse battery staple';
const station = `ACC-${randomBytes(3).toString('hex').toUpperCase()}`;
// Its own account for the lock-out test (failed sign-ins are counted in the shared Redis).
const locked = `locked-${randomBytes(3).toString('hex')}@weather.local`;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: Redis;
const servers: Server[] = [];

/** The web app's API routes on a plain HTTP server; `publicRead` as PUBLIC_READ. */
async function serve(publicRead: boolean): Promise<string> {
  const env = {
    PUBLIC_READ: publicRead,
    AUTH_SECRET: 'a'.repeat(40),
    PUBLIC_URL: 'http://localhost:3000',
    TRUSTED_ORIGINS: [],
  };
  const { auth, access } = accessServices({
    db: database.db,
    env,
    redis,
    namespace: database.name,
  });
  const cache = new QueryCache(redis, { namespace: `${database.name}_${publicRead}` });
  const context =
    (headers: Headers) =>
    (resHeaders?: ApiContext['resHeaders']): ApiContext => ({
      db: database.db,
      cache,
      resHeaders,
      access: access(headers),
      // A generator nobody listens on: its controls answer 503 once access lets them through.
      generatorUrl: 'http://127.0.0.1:1',
    });
  const handle = (req: Request): Promise<Response> => {
    const { pathname } = new URL(req.url);
    if (pathname.startsWith('/api/auth/')) return auth.handler(req);
    if (pathname.startsWith('/api/trpc/')) {
      return handleTrpc(req, context(req.headers), '/api/trpc');
    }
    return handleRest(req, context(req.headers), '/api', cache, access(req.headers));
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const response = await handle(
      new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body }),
    );
    const out: Record<string, string | string[]> = Object.fromEntries(response.headers);
    // Set-Cookie may repeat; Object.fromEntries keeps one, so set them all.
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) out['set-cookie'] = cookies;
    res.writeHead(response.status, out);
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let open: string;
let closed: string;
const sessions: { admin?: string; viewer?: string } = {};
const keys: { admin?: string; viewer?: string; revoked?: string } = {};

/** Signs in and returns the session cookie (name=value). */
async function signIn(base: string, email: string, password: string, ip = '198.51.100.7') {
  const res = await fetch(`${base}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ email, password }),
  });
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('weather.session_token='))
    ?.split(';')[0];
  return { status: res.status, cookie, body: await res.text() };
}

beforeAll(async () => {
  database = await createTestDatabase(baseUrl, 'access');
  redis = new Redis(redisUrl);
  const { db } = database;
  await createUser(db, { email: 'admin@weather.local', password: PASSWORD, role: 'admin' });
  await createUser(db, { email: 'viewer@weather.local', password: PASSWORD, role: 'viewer' });
  await createUser(db, { email: locked, password: PASSWORD, role: 'viewer' });
  await registerStation(db, station, { name: 'Roof' });
  keys.admin = (await createApiKey(db, { name: 'deploy', role: 'admin' })).key;
  keys.viewer = (await createApiKey(db, { name: 'grafana', role: 'viewer' })).key;
  const revoked = await createApiKey(db, { name: 'old', role: 'admin' });
  await revokeApiKey(db, revoked.info.id);
  keys.revoked = revoked.key;
  open = await serve(true);
  closed = await serve(false);
  sessions.admin = (await signIn(open, 'admin@weather.local', PASSWORD)).cookie;
  sessions.viewer = (await signIn(open, 'viewer@weather.local', PASSWORD, '198.51.100.8')).cookie;
});

afterAll(async () => {
  for (const server of servers) server.close();
  await database?.drop();
  redis?.disconnect();
});

/** A valid input for every mutation: a mutation missing here fails the table test. */
const MUTATION_INPUTS: Record<string, () => unknown> = {
  'generator.start': () => ({ stations: 1 }),
  'generator.stop': () => undefined,
  'generator.backfill': () => ({ stations: 1, hours: 1 }),
  'stations.register': () => ({
    station_id: `NEW-${randomBytes(3).toString('hex').toUpperCase()}`,
    fields: { name: 'Garden' },
  }),
  'stations.update': () => ({ station_id: station, fields: { name: 'Roof mast' } }),
  'stations.issueToken': () => ({ station_id: station }),
  'stations.revokeToken': () => ({ prefix: 'wxs_none0000' }),
  'users.create': () => ({
    email: `u${randomBytes(3).toString('hex')}@weather.local`,
    password: PASSWORD,
    role: 'viewer',
  }),
  'users.setRole': () => ({ id: 'nobody', role: 'viewer' }),
  'users.setPassword': () => ({ id: 'nobody', password: PASSWORD }),
  'users.remove': () => ({ id: 'nobody' }),
  'apiKeys.create': () => ({ name: 'script', role: 'viewer' }),
  'apiKeys.revoke': () => ({ id: 999_999 }),
  'alerts.createRule': () => ({ name: 'Offline', kind: 'offline', scope: 'all' }),
  'alerts.deleteRule': () => ({ id: 999_999 }),
  'alerts.silenceRule': () => ({ id: 999_999, until: null }),
  'alerts.silenceStation': () => ({ station_id: station, until: null }),
  // A public address literal: no lookup needed to accept it.
  'alerts.createWebhook': () => ({ name: 'ops', url: 'https://93.184.216.34/hook' }),
  'alerts.deleteWebhook': () => ({ id: 999_999 }),
  'alerts.testWebhook': () => ({ id: 999_999 }),
  'alerts.acknowledge': () => ({ id: 999_999 }),
};

const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: string; meta?: { access?: string } } }
  >,
);
const mutations = procedures.filter(([, p]) => p._def.type === 'mutation').map(([path]) => path);

/** A tRPC mutation over HTTP, as the dashboard's client sends one. */
function mutate(path: string, headers: Record<string, string>, input = MUTATION_INPUTS[path]?.()) {
  return fetch(`${open}/api/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input ?? null),
  });
}

const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { data: { error: string } } }).error.data.error;

describe('every procedure declares its access', () => {
  it('is public, viewer or admin; every mutation is admin; every mutation is in the table', () => {
    for (const [path, procedure] of procedures) {
      expect([path, procedure._def.meta?.access]).toEqual([
        path,
        expect.stringMatching(/^(public|viewer|admin)$/),
      ]);
    }
    expect(mutations.length).toBeGreaterThan(10);
    for (const path of mutations) {
      expect([path, procedures.find(([p]) => p === path)?.[1]._def.meta?.access]).toEqual([
        path,
        'admin',
      ]);
    }
    expect(Object.keys(MUTATION_INPUTS).sort()).toEqual([...mutations].sort());
  });

  it('refuses every mutation signed out (401) and as a viewer (403), and lets an admin through', async () => {
    const same = { origin: open };
    for (const path of mutations) {
      const anonymous = await mutate(path, same);
      expect([path, anonymous.status, await errorOf(anonymous)]).toEqual([
        path,
        401,
        'sign_in_required',
      ]);
      const viewer = await mutate(path, { ...same, cookie: sessions.viewer as string });
      expect([path, viewer.status, await errorOf(viewer)]).toEqual([path, 403, 'admin_required']);
      const viewerKey = await mutate(path, { authorization: `Bearer ${keys.viewer}` });
      expect([path, viewerKey.status]).toEqual([path, 403]);
      // An admin passes access: what follows is the procedure's own answer (the generator is
      // unreachable here, the ids of users and keys unknown), never 401 or 403.
      const admin = await mutate(path, { ...same, cookie: sessions.admin as string });
      expect([path, [401, 403].includes(admin.status)]).toEqual([path, false]);
      const adminKey = await mutate(path, { authorization: `Bearer ${keys.admin}` });
      expect([path, [401, 403].includes(adminKey.status)]).toEqual([path, false]);
    }
  });

  it('makes the change for an admin', async () => {
    const res = await mutate('stations.update', {
      origin: open,
      cookie: sessions.admin as string,
    });
    expect(res.status).toBe(200);
    const registry = await fetch(
      `${open}/api/trpc/stations.get?input=${encodeURIComponent(JSON.stringify({ station_id: station }))}`,
    );
    expect(
      ((await registry.json()) as { result: { data: { name: string } } }).result.data.name,
    ).toBe('Roof mast');
  });
});

describe('alert rules and webhooks (SPEC §17)', () => {
  const admin = () => ({ origin: open, cookie: sessions.admin as string });
  const issues = async (res: Response) =>
    JSON.stringify(((await res.json()) as { error: { data: unknown } }).error.data);

  it('refuses a webhook to a private, loopback or link-local address, or not http(s), naming why', async () => {
    for (const url of [
      'http://127.0.0.1:9000/hook',
      'http://10.0.0.5/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hook',
      'ftp://93.184.216.34/hook',
    ]) {
      const res = await mutate('alerts.createWebhook', admin(), { name: 'x', url });
      expect([url, res.status, await errorOf(res.clone())]).toEqual([
        url,
        400,
        'webhook_address_refused',
      ]);
    }
  });

  it('refuses a rule that does not add up, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x', kind: 'threshold', scope: 'all' }, 'measurement'],
      [
        {
          name: 'x',
          kind: 'threshold',
          scope: 'all',
          measurement: 'wind_gust',
          direction: 'above',
        },
        'threshold',
      ],
      [
        {
          name: 'x',
          kind: 'threshold',
          scope: 'all',
          measurement: 'battery_low',
          direction: 'above',
          threshold: 1,
        },
        'measurement',
      ],
      [
        {
          name: 'x',
          kind: 'threshold',
          scope: 'all',
          measurement: 'wind_gust',
          direction: 'above',
          threshold: 999,
        },
        'threshold',
      ],
      [
        {
          name: 'x',
          kind: 'threshold',
          scope: 'all',
          measurement: 'wind_gust',
          direction: 'above',
          threshold: 20,
          clear_at: 25,
        },
        'clear_at',
      ],
      [{ name: 'x', kind: 'offline', scope: 'tag' }, 'target'],
      [{ name: 'x', kind: 'offline', scope: 'all', target: 'A' }, 'target'],
      [{ name: 'x', kind: 'offline', scope: 'all', threshold: 3 }, 'threshold'],
      [{ name: 'x', kind: 'offline', scope: 'all', for_seconds: -1 }, 'for_seconds'],
      [{ name: '', kind: 'offline', scope: 'all' }, 'name'],
      [{ name: 'x', kind: 'flood', scope: 'all' }, 'kind'],
    ];
    for (const [input, field] of cases) {
      const res = await mutate('alerts.createRule', admin(), input);
      expect([input, res.status]).toEqual([input, 400]);
      expect(await issues(res)).toContain(field);
    }
    // Silences end in the future (at most 90 days ahead) or are lifted with null; ids are ids.
    const badSilences: [string, Record<string, unknown>, string][] = [
      ['alerts.silenceRule', { id: 1, until: '2001-01-01T00:00:00Z' }, 'until'],
      ['alerts.silenceRule', { id: 1, until: 'tomorrow' }, 'until'],
      ['alerts.silenceRule', { id: -1, until: null }, 'id'],
      ['alerts.silenceStation', { station_id: 'bad;id', until: null }, 'station_id'],
      ['alerts.silenceStation', { station_id: station, until: '2999-01-01T00:00:00Z' }, 'until'],
      ['alerts.acknowledge', { id: 'one' }, 'id'],
      ['alerts.testWebhook', { id: 0 }, 'id'],
    ];
    for (const [path, input, field] of badSilences) {
      const res = await mutate(path, admin(), input);
      expect([path, input, res.status]).toEqual([path, input, 400]);
      expect(await issues(res)).toContain(field);
    }
    const unknown = await mutate('alerts.createRule', admin(), {
      name: 'x',
      kind: 'offline',
      scope: 'station',
      target: 'NO-SUCH-STATION',
    });
    expect([unknown.status, await errorOf(unknown)]).toEqual([404, 'unknown_station']);
  });
});

describe('cross-site requests', () => {
  it('refuses a form POST from another site with a valid admin session, and changes nothing', async () => {
    const before = (await listUsers(database.db)).length;
    const attempts: Record<string, string>[] = [
      { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      { origin: 'https://evil.example', 'content-type': 'application/json' },
      { origin: 'null', 'content-type': 'text/plain' },
      // No Origin and no fetch metadata: not a page of ours.
      { 'content-type': 'application/json' },
    ];
    for (const headers of attempts) {
      const res = await fetch(`${open}/api/trpc/users.create`, {
        method: 'POST',
        headers: { ...headers, cookie: sessions.admin as string },
        body: JSON.stringify(MUTATION_INPUTS['users.create']?.()),
      });
      // Refused: by the Origin check (403), or before it for a body that is not JSON (415).
      expect([headers, [403, 415].includes(res.status)]).toEqual([headers, true]);
      if (headers['content-type'] === 'application/json') expect(res.status).toBe(403);
    }
    expect((await listUsers(database.db)).length).toBe(before);
  });

  it('takes JSON bodies only: a form or multipart POST never reaches a procedure (415)', async () => {
    for (const type of [
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '',
    ]) {
      const res = await fetch(`${open}/api/trpc/generator.stop`, {
        method: 'POST',
        headers: { origin: open, cookie: sessions.admin as string, 'content-type': type },
        body: type.startsWith('multipart') ? '--x--' : 'a=1',
      });
      expect([type, res.status]).toEqual([type, 415]);
      expect(((await res.json()) as { error: string }).error).toBe('unsupported_media_type');
    }
  });

  it('never changes state on GET', async () => {
    const res = await fetch(
      `${open}/api/trpc/users.create?input=${encodeURIComponent(JSON.stringify(MUTATION_INPUTS['users.create']?.()))}`,
      { headers: { cookie: sessions.admin as string } },
    );
    expect(res.status).toBe(405);
  });
});

describe('PUBLIC_READ', () => {
  it('=true: anyone reads; a presented key is still checked', async () => {
    expect((await fetch(`${open}/api/stations`)).status).toBe(200);
    const bad = await fetch(`${open}/api/stations`, {
      headers: { authorization: `Bearer ${keys.revoked}` },
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'invalid_api_key', message: expect.any(String) });
  });

  it('=false: reads need a session or an API key (401 JSON without)', async () => {
    const anonymous = await fetch(`${closed}/api/stations`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await anonymous.json()).toEqual({
      error: 'sign_in_required',
      message: expect.any(String),
    });
    const trpc = await fetch(`${closed}/api/trpc/stations.list`);
    expect(trpc.status).toBe(401);
    for (const key of [keys.viewer, keys.admin]) {
      const res = await fetch(`${closed}/api/weather/${station}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
    }
    const session = await fetch(`${closed}/api/stations`, {
      headers: { cookie: sessions.viewer as string },
    });
    expect(session.status).toBe(200);
  });

  it('whoami says who the caller is and nothing secret', async () => {
    const me = await fetch(`${open}/api/trpc/auth.me`, {
      headers: { cookie: sessions.admin as string },
    });
    expect(await me.json()).toEqual({
      result: {
        data: {
          public_read: true,
          user: { kind: 'session', name: 'admin', email: 'admin@weather.local', role: 'admin' },
        },
      },
    });
  });
});

describe('API keys and ingest tokens', () => {
  it('refuses an ingest token on the APIs, by name', async () => {
    const { token } = issueToken('station');
    const res = await fetch(`${open}/api/stations`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('ingest_token_not_api_key');
  });

  it('gives an API key no ingest: the collector does not know it', async () => {
    const { token, prefix, hash } = issueToken('station');
    await addCredential(database.db, { kind: 'station', ownerId: station, prefix, hash });
    const view = new IngestView(await loadIngestView(database.db));
    expect('credentialId' in view.authenticate(token)).toBe(true);
    expect(view.authenticate(keys.admin)).toEqual({ error: 'malformed_token' });
  });

  it('records when a key was last used', async () => {
    await fetch(`${open}/api/stations`, { headers: { authorization: `Bearer ${keys.viewer}` } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const res = await fetch(`${open}/api/trpc/apiKeys.list`, {
      headers: { authorization: `Bearer ${keys.admin}` },
    });
    const list = (
      (await res.json()) as { result: { data: { name: string; last_used_at: string | null }[] } }
    ).result.data;
    expect(list.find((k) => k.name === 'grafana')?.last_used_at).toEqual(expect.any(String));
  });
});

describe('sign-in', () => {
  it('answers an unknown email exactly as a wrong password', async () => {
    const unknown = await signIn(open, 'nobody@weather.local', PASSWORD, '203.0.113.1');
    const wrong = await signIn(open, 'admin@weather.local', 'not the password!', '203.0.113.2');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toBe(wrong.body);
    expect(unknown.cookie).toBeUndefined();
  });

  it('limits attempts per address: after 10 from one, the 11th waits; another address does not', async () => {
    const ip = '203.0.113.50';
    for (let i = 0; i < 10; i++) {
      const other = `nobody${i}-${randomBytes(2).toString('hex')}@weather.local`;
      expect((await signIn(open, other, `wrong password ${i}`, ip)).status).toBe(401);
    }
    const limited = await signIn(open, 'viewer@weather.local', PASSWORD, ip);
    expect(limited.status).toBe(429);
    expect(limited.cookie).toBeUndefined();
    expect((await signIn(open, 'viewer@weather.local', PASSWORD, '203.0.113.51')).status).toBe(200);
  });

  it('locks an account after 10 wrong passwords from anywhere, even for the right one', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await signIn(open, locked, `wrong password ${i}`, `192.0.2.${i + 1}`)).status).toBe(
        401,
      );
    }
    const limited = await signIn(open, locked, PASSWORD, '192.0.2.200');
    expect(limited.status).toBe(429);
    expect(limited.cookie).toBeUndefined();
    expect(JSON.parse(limited.body)).toMatchObject({ code: 'TOO_MANY_FAILED_SIGN_INS' });
    // Other accounts sign in as before.
    expect((await signIn(open, 'admin@weather.local', PASSWORD, '192.0.2.201')).status).toBe(200);
  });

  it('offers no self sign-up and no self-service account changes', async () => {
    for (const [path, body] of [
      ['sign-up/email', { email: 'new@weather.local', password: PASSWORD, name: 'new' }],
      ['update-user', { name: 'root', role: 'admin' }],
      ['change-email', { newEmail: 'x@weather.local' }],
      ['delete-user', {}],
    ] as const) {
      const res = await fetch(`${open}/api/auth/${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: open,
          cookie: sessions.viewer as string,
        },
        body: JSON.stringify(body),
      });
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await listUsers(database.db)).map((u) => u.email)).not.toContain('new@weather.local');
  });

  it('lets no more than 10 concurrent wrong guesses through for one account', async () => {
    const target = `burst-${randomBytes(3).toString('hex')}@weather.local`;
    await createUser(database.db, { email: target, password: PASSWORD, role: 'viewer' });
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        signIn(open, target, `wrong password ${i}`, `192.0.2.${100 + i}`),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(15);
  });

  it('keeps the session cookie HttpOnly and SameSite=Lax, and signs out', async () => {
    const res = await fetch(`${open}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.60' },
      body: JSON.stringify({ email: 'viewer@weather.local', password: PASSWORD }),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('weather.session_token='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const session = cookie?.split(';')[0] as string;
    const out = await fetch(`${open}/api/auth/sign-out`, {
      method: 'POST',
      headers: { cookie: session, origin: open, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(out.status).toBe(200);
    const me = await fetch(`${open}/api/trpc/auth.me`, { headers: { cookie: session } });
    expect(((await me.json()) as { result: { data: { user: unknown } } }).result.data.user).toBe(
      null,
    );
  });
});
