/**
 * Ingest authentication, authorisation and rate limits (SPEC §12) against the real thing: two
 * collector processes and a consumer on a real broker, PostgreSQL and Redis, tokens made the
 * way the CLI makes them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { issueToken } from '@weather/core/tokens';
import {
  addCredential,
  createGateway,
  getStation,
  registerStation,
  revokeCredential,
  updateStation,
} from '@weather/db';
import { publishRegistryChange } from '@weather/registry';
import {
  createPipeline,
  freePort,
  type Pipeline,
  postBatch,
  redisUrl,
  type ServiceProcess,
  until,
} from '@weather/test-kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let pipeline: Pipeline;
let collectors: [ServiceProcess, ServiceProcess];
let redis: Redis;

const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 0, minute)).toISOString();
const reading = (station: string, minute: number) => ({
  station_id: station,
  timestamp: at(minute),
  temperature: 12.5,
});

async function tokenFor(kind: 'station' | 'gateway', ownerId: string) {
  const issued = issueToken(kind);
  await addCredential(pipeline.database.db, { kind, ownerId, ...issued });
  await publishRegistryChange(redis);
  return issued;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function postOne(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/weather-data`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  };
}

/** Messages in the pipeline's topic so far (sum of high watermarks). */
async function published() {
  const offsets = await pipeline.admin.fetchTopicOffsets(pipeline.topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

/** Until `fn` holds on every collector (each reloads its view on its own). */
const onBoth = async (what: string, fn: (url: string) => Promise<boolean>) => {
  for (const c of collectors) await until(`${what} on ${c.url}`, () => fn(c.url), 5_000);
};

beforeAll(async () => {
  pipeline = await createPipeline('ingest-auth', { partitions: 2 });
  redis = new Redis(redisUrl);
  const limited = { INGEST_RATE_REQUESTS_PER_S: '5', INGEST_RATE_BURST_S: '1' };
  collectors = [await pipeline.collector(limited), await pipeline.collector(limited)];
  await pipeline.consumer();
  await registerStation(pipeline.database.db, 'AUTH-A', { name: 'Roof A' });
  await registerStation(pipeline.database.db, 'AUTH-B');
}, 120_000);

afterAll(async () => {
  redis?.disconnect();
  await pipeline?.close();
});

describe('without a valid token', () => {
  it.each([
    ['no token', {}, 'missing_token'],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 'malformed_token'],
    ['a malformed token', bearer('not-a-token'), 'malformed_token'],
    ['an unknown token', bearer(issueToken('station').token), 'unknown_token'],
  ])('answers 401 for %s and publishes nothing', async (_, headers, error) => {
    const before = await published();
    const [collector] = collectors;
    const single = await postOne(collector.url, reading('AUTH-A', 1), headers);
    expect(single.status).toBe(401);
    expect(single.body).toEqual({ error, message: expect.any(String) });
    expect(single.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const batch = await postBatch(collector.url, [reading('AUTH-A', 2)], headers);
    expect([batch.status, batch.body.error]).toEqual([401, error]);
    expect(await published()).toBe(before);
  });

  it('answers 401 for a revoked token on both collectors, within 5 s of the revocation', async () => {
    const { token, prefix } = await tokenFor('station', 'AUTH-A');
    await onBoth(
      'the new token',
      async (url) => (await postOne(url, reading('AUTH-A', 3), bearer(token))).status === 202,
    );
    // A client streaming readings while the token is revoked.
    let streaming = true;
    let minute = 10;
    const statuses: number[] = [];
    const stream = (async () => {
      while (streaming) {
        for (const c of collectors)
          statuses.push((await postOne(c.url, reading('AUTH-A', minute++), bearer(token))).status);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await revokeCredential(pipeline.database.db, prefix);
    const revokedAt = Date.now();
    await publishRegistryChange(redis);
    await onBoth(
      'the revocation',
      async (url) => (await postOne(url, reading('AUTH-A', 999), bearer(token))).status === 401,
    );
    const took = Date.now() - revokedAt;
    streaming = false;
    await stream;
    expect(took).toBeLessThan(5000);
    expect(statuses).toContain(202);
    expect(statuses.at(-1)).toBe(401);
  });
});

describe('station tokens', () => {
  it('write their station only: 403 for another, per-record forbidden_station in a batch whose allowed records are stored', async () => {
    const { token } = await tokenFor('station', 'AUTH-B');
    const [collector] = collectors;
    await until(
      'the token',
      async () =>
        (await postOne(collector.url, reading('AUTH-B', 100), bearer(token))).status === 202,
      5000,
    );
    const other = await postOne(collector.url, reading('AUTH-A', 101), bearer(token));
    expect(other.status).toBe(403);
    expect(other.body.error).toBe('forbidden_station');

    const batch = await postBatch(
      collector.url,
      [reading('AUTH-B', 102), reading('AUTH-A', 103), reading('AUTH-B', 104)],
      bearer(token),
    );
    expect(batch.status).toBe(202);
    expect(batch.body).toMatchObject({
      status: 'partial',
      successful: 2,
      failed: 1,
      failures: [{ index: 1, station_id: 'AUTH-A', reason: 'forbidden_station' }],
    });
    const onlyForbidden = await postBatch(collector.url, [reading('AUTH-A', 105)], bearer(token));
    expect(onlyForbidden.status).toBe(403);
    await until('the allowed readings to be stored', async () => {
      const rows = await pipeline.database.pool.query(
        "select count(*)::int as n from weather_readings where station_id = 'AUTH-B' and ts in ($1, $2)",
        [at(102), at(104)],
      );
      return rows.rows[0].n === 2;
    });
  });

  it('are refused for a disabled station until it is enabled again', async () => {
    const { token } = await tokenFor('station', 'AUTH-B');
    await updateStation(pipeline.database.db, 'AUTH-B', { enabled: false });
    await publishRegistryChange(redis);
    await onBoth(
      'the disabled station',
      async (url) =>
        (await postOne(url, reading('AUTH-B', 200), bearer(token))).body.error ===
        'station_disabled',
    );
    await updateStation(pipeline.database.db, 'AUTH-B', { enabled: true });
    await publishRegistryChange(redis);
    await onBoth(
      'the enabled station',
      async (url) => (await postOne(url, reading('AUTH-B', 201), bearer(token))).status === 202,
    );
  });
});

describe('gateway tokens', () => {
  it('with auto-register, register unknown stations under the gateway and store their readings', async () => {
    await createGateway(pipeline.database.db, 'GW-AUTO', { autoRegister: true });
    const { token } = await tokenFor('gateway', 'GW-AUTO');
    const [collector] = collectors;
    await until(
      'the token',
      async () =>
        (
          await postBatch(
            collector.url,
            [reading('AUTO-1', 1), reading('AUTO-2', 1)],
            bearer(token),
          )
        ).status === 202,
      5000,
    );
    expect((await getStation(pipeline.database.db, 'AUTO-1')).gatewayId).toBe('GW-AUTO');
    // A station of no gateway (or another) stays out of reach.
    const foreign = await postBatch(collector.url, [reading('AUTH-A', 300)], bearer(token));
    expect(foreign.status).toBe(403);
    await until('the auto-registered readings to be stored', async () => {
      const rows = await pipeline.database.pool.query(
        "select count(*)::int as n from weather_readings where station_id in ('AUTO-1', 'AUTO-2')",
      );
      return rows.rows[0].n === 2;
    });
  });

  it('without auto-register, refuse unknown stations', async () => {
    await createGateway(pipeline.database.db, 'GW-CLOSED');
    const { token } = await tokenFor('gateway', 'GW-CLOSED');
    const [collector] = collectors;
    const refused = await until(
      'the token',
      async () => {
        const res = await postBatch(collector.url, [reading('CLOSED-1', 1)], bearer(token));
        return res.status === 403 ? res : undefined;
      },
      5000,
    );
    expect(refused.body.failures).toEqual([
      expect.objectContaining({ reason: 'forbidden_station' }),
    ]);
    await expect(getStation(pipeline.database.db, 'CLOSED-1')).rejects.toThrow(/no station/);
  });
});

describe('rate limits', () => {
  it('answer 429 with Retry-After from both collectors for one budget, and leave other tokens alone', async () => {
    await registerStation(pipeline.database.db, 'RATE-1');
    await registerStation(pipeline.database.db, 'RATE-2');
    const busy = await tokenFor('station', 'RATE-1');
    const calm = await tokenFor('station', 'RATE-2');
    await onBoth(
      'the tokens',
      async (url) => (await postOne(url, reading('RATE-2', 0), bearer(calm.token))).status === 202,
    );
    // 5 requests/s and 5 more of burst per 10 s, shared: the two collectors together run out.
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        postOne(
          (collectors[i % 2] as ServiceProcess).url,
          reading('RATE-1', i),
          bearer(busy.token),
        ),
      ),
    );
    const limitedBy = collectors.map(
      (c) => answers.filter((a, i) => a.status === 429 && collectors[i % 2] === c).length,
    );
    expect(limitedBy.every((n) => n > 0)).toBe(true);
    const accepted = answers.filter((a) => a.status === 202).length;
    expect(accepted).toBeLessThanOrEqual(12);
    const refused = answers.find((a) => a.status === 429);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused?.body.error).toBe('rate_limited');
    expect(
      (await postOne(collectors[1].url, reading('RATE-2', 1), bearer(calm.token))).status,
    ).toBe(202);
  });

  it('keeps ingesting, limited per instance, while Redis is down', async () => {
    // A Redis of its own, stopped mid-test: the shared one serves every other test.
    const port = await freePort();
    const server: ChildProcess = spawn(
      'redis-server',
      ['--port', String(port), '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    try {
      const own = `redis://127.0.0.1:${port}`;
      await until('the test Redis', async () => {
        const probe = new Redis(own, { lazyConnect: true, maxRetriesPerRequest: 0 });
        probe.on('error', () => {});
        try {
          await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          return false;
        } finally {
          probe.disconnect();
        }
      });
      // Registered first: this collector hears changes on its own Redis, not the shared one.
      await registerStation(pipeline.database.db, 'NOREDIS-1');
      const { token } = await tokenFor('station', 'NOREDIS-1');
      const collector = await pipeline.collector({
        REDIS_URL: own,
        INGEST_RATE_REQUESTS_PER_S: '5',
        INGEST_RATE_BURST_S: '1',
      });
      expect((await postOne(collector.url, reading('NOREDIS-1', 0), bearer(token))).status).toBe(
        202,
      );
      server.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (let i = 1; i <= 3; i++) {
        expect((await postOne(collector.url, reading('NOREDIS-1', i), bearer(token))).status).toBe(
          202,
        );
      }
      const burst = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          postOne(collector.url, reading('NOREDIS-1', 100 + i), bearer(token)),
        ),
      );
      expect(burst.some((a) => a.status === 429)).toBe(true);
    } finally {
      server.kill('SIGKILL');
    }
  });
});

describe('INGEST_AUTH=off', () => {
  it('accepts any station id without a token, as the seed did', async () => {
    const open = await pipeline.collector({ INGEST_AUTH: 'off' });
    expect(open.lines.some((l) => String(l.msg).includes('INGEST_AUTH=off'))).toBe(true);
    expect((await postOne(open.url, reading('ANY-STATION', 1))).status).toBe(202);
  });
});
