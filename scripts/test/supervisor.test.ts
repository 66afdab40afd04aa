import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { brokers, createPipeline, freePort, redisUrl, until } from '@weather/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureKafka, isKafkaAt } from '../infra/kafka.mjs';
import { brokerPart, createSupervisor, processPart } from '../lib/supervisor.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const node = process.execPath;

/** A part running `node -e script`, its output kept out of the test's. */
function script(name: string, code: string, extra: { healthUrl?: string } = {}) {
  return processPart({
    name,
    cmd: node,
    args: ['-e', code],
    cwd: root,
    env: process.env,
    onLine: () => {},
    ...extra,
  });
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('supervisor rules', () => {
  it('restarts a crashing part with doubling delays, then gives up and stops every part', async () => {
    const lines: string[] = [];
    const supervisor = createSupervisor({
      log: (line) => lines.push(line),
      policy: { initialDelayMs: 100, maxDelayMs: 400 },
    });
    supervisor.add(script('sleeper', 'setInterval(() => {}, 1000)'));
    supervisor.add(script('crasher', 'process.exit(1)'));
    await until('the sleeper to run', async () => supervisor.pid('sleeper'));
    const sleeper = supervisor.pid('sleeper') as number;

    const error = await supervisor.gaveUp;

    expect(error.message).toBe('crasher exited (code 1) 6 times in the last 60 s');
    expect(lines).toEqual([
      'crasher exited (code 1); restarting in 0.1 s (restart 1 of 5 in the last 60 s)',
      'crasher exited (code 1); restarting in 0.2 s (restart 2 of 5 in the last 60 s)',
      'crasher exited (code 1); restarting in 0.4 s (restart 3 of 5 in the last 60 s)',
      'crasher exited (code 1); restarting in 0.4 s (restart 4 of 5 in the last 60 s)',
      'crasher exited (code 1); restarting in 0.4 s (restart 5 of 5 in the last 60 s)',
      'crasher exited (code 1) 6 times in the last 60 s; giving up',
    ]);
    expect(isAlive(sleeper)).toBe(false);
  });

  it('kills a start that never becomes healthy and gives up after too many in a row', async () => {
    const lines: string[] = [];
    const nobody = await freePort();
    const supervisor = createSupervisor({
      log: (line) => lines.push(line),
      policy: { initialDelayMs: 50, startTimeoutMs: 500, maxUnhealthyStarts: 2 },
    });
    supervisor.add(
      script('hung', 'setInterval(() => {}, 1000)', { healthUrl: `http://127.0.0.1:${nobody}/` }),
    );

    const error = await supervisor.gaveUp;

    expect(error.message).toBe('hung did not become healthy in 2 starts in a row (last: SIGTERM)');
    expect(lines).toEqual([
      'hung did not become healthy within 0.5 s',
      'hung exited (SIGTERM); restarting in 0.05 s (restart 1 of 5 in the last 60 s)',
      'hung did not become healthy within 0.5 s',
      'hung did not become healthy in 2 starts in a row (last: SIGTERM); giving up',
    ]);
  });

  it('resets the backoff once a run has stayed healthy for stableMs', async () => {
    const delays = async (stableMs: number) => {
      const lines: string[] = [];
      const supervisor = createSupervisor({
        log: (line) => lines.push(line),
        policy: { initialDelayMs: 50, maxCrashes: 100, stableMs },
      });
      supervisor.add(script('flaky', 'setTimeout(() => process.exit(3), 300)'));
      await until('three restarts', async () => lines.length >= 3);
      await supervisor.stop();
      return lines.slice(0, 3).map((line) => /restarting in ([\d.]+ s)/.exec(line)?.[1]);
    };
    expect(await delays(200)).toEqual(['0.05 s', '0.05 s', '0.05 s']);
    expect(await delays(60_000)).toEqual(['0.05 s', '0.1 s', '0.2 s']);
  });
});

describe('supervised collector and consumer', () => {
  let pipeline: Awaited<ReturnType<typeof createPipeline>>;
  let supervisor: ReturnType<typeof createSupervisor>;
  const log: string[] = [];

  beforeAll(async () => {
    // The supervisor runs the builds, as `npm start` does; turbo's cache makes this quick.
    const build = spawnSync(
      'npx',
      ['turbo', 'run', 'build', '--filter=@weather/collector', '--filter=@weather/consumer'],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    expect(build.status).toBe(0);
    pipeline = await createPipeline('supervisor', { partitions: 3 });
  }, 180_000);

  afterAll(async () => {
    await supervisor?.stop();
    await pipeline?.close();
  });

  it('brings a SIGKILLed consumer, then collector, back by itself and stores every accepted reading once', async () => {
    const [collectorPort, consumerPort] = [await freePort(), await freePort()];
    const env = {
      ...process.env,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC: pipeline.topic,
      KAFKA_TOPIC_PARTITIONS: '3',
      DATABASE_URL: pipeline.database.url,
      REDIS_URL: redisUrl,
      CONSUMER_GROUP_ID: `test-supervisor-${randomBytes(4).toString('hex')}`,
      COLLECTOR_PORT: String(collectorPort),
      CONSUMER_PORT: String(consumerPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    const collectorUrl = `http://127.0.0.1:${collectorPort}`;
    const consumerUrl = `http://127.0.0.1:${consumerPort}`;
    supervisor = createSupervisor({ log: (line) => log.push(line) });
    for (const [name, url] of [
      ['collector', collectorUrl],
      ['consumer', consumerUrl],
    ] as const) {
      supervisor.add(
        processPart({
          name,
          cmd: node,
          args: ['--enable-source-maps', `apps/${name}/dist/index.js`],
          cwd: root,
          env,
          healthUrl: `${url}/health`,
          onLine: () => {},
        }),
      );
    }
    await supervisor.ready();

    // One reading per request, each with its own timestamp, from two senders at once.
    const base = Date.now() - 24 * 60 * 60 * 1000;
    let sent = 0;
    let sending = true;
    const accepted: number[] = [];
    const outcomes: { at: number; status: number | 'connection error' }[] = [];
    const sender = async () => {
      while (sending) {
        const ts = base + sent++ * 1000;
        try {
          const res = await fetch(`${collectorUrl}/weather-data`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...pipeline.ingestHeaders },
            body: JSON.stringify({
              station_id: 'ST-1',
              timestamp: new Date(ts).toISOString(),
              temperature: 12.5,
            }),
            signal: AbortSignal.timeout(10_000),
          });
          await res.arrayBuffer();
          outcomes.push({ at: Date.now(), status: res.status });
          if (res.ok) accepted.push(ts);
        } catch {
          outcomes.push({ at: Date.now(), status: 'connection error' });
        }
        await sleep(10);
      }
    };
    const senders = [sender(), sender()];
    const healthy = async (url: string) => (await fetch(`${url}/health`)).ok;
    const statusesBetween = (from: number, to: number) =>
      new Set(outcomes.filter((o) => o.at >= from && o.at <= to).map((o) => o.status));

    await until('readings accepted', async () => accepted.length >= 50);
    const collectorPid = supervisor.pid('collector');
    const consumerPid = supervisor.pid('consumer') as number;
    const consumerKilledAt = Date.now();
    process.kill(consumerPid, 'SIGKILL');
    await until('a new consumer', async () => {
      const pid = supervisor.pid('consumer');
      return pid !== consumerPid && (await healthy(consumerUrl));
    });
    const consumerBackAt = Date.now();
    expect(log).toContain(
      'consumer exited (SIGKILL); restarting in 0.5 s (restart 1 of 5 in the last 60 s)',
    );
    expect(statusesBetween(consumerKilledAt, consumerBackAt)).toEqual(new Set([202]));
    expect(supervisor.pid('collector')).toBe(collectorPid);

    const acceptedBefore = accepted.length;
    await until('more readings accepted', async () => accepted.length >= acceptedBefore + 50);
    const newConsumerPid = supervisor.pid('consumer');
    const collectorKilledAt = Date.now();
    process.kill(collectorPid as number, 'SIGKILL');
    await until('a new collector', async () => {
      const pid = supervisor.pid('collector');
      return pid !== collectorPid && (await healthy(collectorUrl));
    });
    const collectorBackAt = Date.now();
    expect(log).toContain(
      'collector exited (SIGKILL); restarting in 0.5 s (restart 1 of 5 in the last 60 s)',
    );
    // While it was down requests failed to connect; nothing answered anything but 202.
    expect(statusesBetween(collectorKilledAt, collectorBackAt)).toContain('connection error');
    const acceptedAfter = accepted.length;
    await until('readings accepted again', async () => accepted.length >= acceptedAfter + 50);
    expect(supervisor.pid('consumer')).toBe(newConsumerPid);
    sending = false;
    await Promise.all(senders);
    expect(new Set(outcomes.map((o) => o.status))).toEqual(new Set([202, 'connection error']));

    const client = new pg.Client({ connectionString: pipeline.database.url });
    await client.connect();
    try {
      const stored = async () =>
        (
          await client.query<{ ms: string }>(
            `select (extract(epoch from ts) * 1000)::bigint::text as ms from weather_readings`,
          )
        ).rows.map((row) => Number(row.ms));
      // Readings whose answer was lost with the collector may be stored too; accepted ones must be.
      await until(
        'every accepted reading stored',
        async () => {
          const have = new Set(await stored());
          return accepted.every((ts) => have.has(ts));
        },
        120_000,
      );
      const {
        rows: [counts],
      } = await client.query<{ total: number; distinct: number; ours: number }>(
        `select count(*)::int as total, count(distinct (station_id, ts))::int as distinct,
                count(*) filter (where station_id = 'ST-1')::int as ours
           from weather_readings`,
      );
      expect(counts?.total).toBe(counts?.distinct);
      expect(counts?.ours).toBe(counts?.total);
      expect(counts?.total).toBeGreaterThanOrEqual(accepted.length);
      expect(counts?.total).toBeLessThanOrEqual(sent);
      expect(new Set(accepted).size).toBe(accepted.length);
    } finally {
      await client.end();
    }
    expect(supervisor.pid('consumer')).toBe(newConsumerPid);
  }, 300_000);
});

describe('supervised Kafka broker', () => {
  it('starts a broker it launched again after the JVM is SIGKILLed', async () => {
    // A broker of its own (port, data folder): the shared one must keep running.
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'weather-kafka-supervised-'));
    const opts = {
      brokers: `127.0.0.1:${await freePort()}`,
      rootDir: root,
      dataDir,
      log: () => {},
    };
    const lines: string[] = [];
    const supervisor = createSupervisor({ log: (line) => lines.push(line) });
    try {
      const first = await ensureKafka(opts);
      expect(first.started).toBe(true);
      supervisor.add(brokerPart({ handle: first, restart: () => ensureKafka(opts) }));
      await supervisor.ready();
      const pid = supervisor.pid('kafka') as number;

      process.kill(pid, 'SIGKILL');

      await until(
        'a new broker answering',
        async () => supervisor.pid('kafka') !== pid && (await isKafkaAt(opts.brokers)),
        120_000,
      );
      expect(lines).toEqual([
        'kafka exited (code 137); restarting in 0.5 s (restart 1 of 5 in the last 60 s)',
      ]);
      expect(isAlive(pid)).toBe(false);
    } finally {
      await supervisor.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(await isKafkaAt(opts.brokers)).toBe(false);
  }, 240_000);
});
