/**
 * Alerts end to end (SPEC §17): real consumers (the alert worker runs in them), a real collector,
 * Kafka and PostgreSQL, and a webhook receiver — a small HTTP server here — that records what it
 * gets and checks every signature.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { insertReadings, registerStation, rowsOf, type StoredReading } from '@weather/db';
import {
  createPipeline,
  type Pipeline,
  type ServiceProcess,
  storedReading,
} from '@weather/test-kit';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRule,
  createWebhook,
  deliver,
  listDeliveries,
  queueTest,
  ruleInput,
  silenceRule,
  verifyWebhook,
  WEBHOOK_HEADERS,
} from '../src';

const MIN = 60_000;

interface Received {
  event: string;
  id: string;
  body: {
    event: string;
    rule?: { name: string };
    station?: { id: string };
    alert?: { value: number | null };
  };
  verified: boolean;
  status: number;
}

/** A webhook receiver: records each request, answers `failFirst` of them with 500. */
async function receiver(secret: () => string, failFirst = 0) {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const status = received.length < failFirst ? 500 : 200;
      received.push({
        event: String(request.headers[WEBHOOK_HEADERS.event]),
        id: String(request.headers[WEBHOOK_HEADERS.id]),
        body: JSON.parse(body),
        verified: verifyWebhook(secret(), {
          timestamp: request.headers[WEBHOOK_HEADERS.timestamp] as string,
          signature: request.headers[WEBHOOK_HEADERS.signature] as string,
          body,
        }),
        status,
      });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => server.close() };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const settle = (ms = 4000) => new Promise((resolve) => setTimeout(resolve, ms));

let pipeline: Pipeline;
let collector: ServiceProcess;
const consumerEnv = {
  ALERTS_EVALUATE_EVERY_S: '1',
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_FIRST_RETRY_MS: '200',
  PUBLIC_URL: 'http://dashboard.example',
};
const GATEWAY = 'test-alerts';

beforeAll(async () => {
  pipeline = await createPipeline('alerts', { partitions: 2 });
  collector = await pipeline.collector();
}, 120_000);

afterAll(async () => {
  await pipeline?.close();
});

/** Readings of a station every minute from `fromMs` to `toMs`, arrived when taken. */
function minutes(
  station: string,
  fromMs: number,
  toMs: number,
  values: Record<string, number> = { temperature: 10 },
) {
  const readings: StoredReading[] = [];
  for (let t = fromMs; t <= toMs; t += MIN)
    readings.push(storedReading(station, new Date(t), values));
  return readings;
}

const alertStates = async (ruleId: number) =>
  rowsOf<{ state: string }>(
    await pipeline.database.db.execute(
      sql`select state from alerts where rule_id = ${ruleId} order by id`,
    ),
  ).map((r) => r.state);

describe('alerts through the pipeline', () => {
  it('sends exactly one firing when a station goes silent and one resolved when it returns, across a SIGKILL of the worker', async () => {
    const db = pipeline.database.db;
    const hook = await createWebhook(db, { name: 'ops', url: 'http://placeholder' });
    const inbox = await receiver(() => hook.secret);
    await db.execute(sql`update webhooks set url = ${inbox.url} where id = ${hook.id}`);
    await registerStation(db, 'QUIET', {
      name: 'Quiet mast',
      expectedIntervalS: 60,
      gatewayId: GATEWAY,
    });
    // Heard every minute until 10 minutes ago: offline (over 5 minutes of silence).
    const now = Date.now();
    await insertReadings(db, minutes('QUIET', now - 40 * MIN, now - 10 * MIN));
    const rule = await createRule(
      db,
      ruleInput.parse({
        name: 'Station offline',
        kind: 'offline',
        scope: 'station',
        target: 'QUIET',
        webhook_id: hook.id,
      }),
    );

    const first = await pipeline.consumer(consumerEnv);
    await until('the firing notification', () => inbox.received.length >= 1);
    expect(inbox.received[0]).toMatchObject({
      event: 'firing',
      verified: true,
      body: { event: 'firing', rule: { name: 'Station offline' }, station: { id: 'QUIET' } },
    });
    expect(inbox.received[0]?.body).toMatchObject({
      url: 'http://dashboard.example/stations/QUIET',
    });

    // The worker dies between firing and resolving; another consumer takes over.
    await first.stop('SIGKILL');
    await pipeline.consumer(consumerEnv);
    await settle();
    expect(inbox.received.map((r) => r.event)).toEqual(['firing']);

    // The station reports again, through the collector: online, resolved.
    const reply = await fetch(`${collector.url}/weather-data`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...pipeline.ingestHeaders },
      body: JSON.stringify({
        station_id: 'QUIET',
        timestamp: new Date().toISOString(),
        temperature: 11,
      }),
    });
    expect(reply.status).toBe(202);
    await until('the resolved notification', () => inbox.received.length >= 2);
    await settle();
    expect(inbox.received.map((r) => [r.event, r.verified, r.status])).toEqual([
      ['firing', true, 200],
      ['resolved', true, 200],
    ]);
    expect(await alertStates(rule.id)).toEqual(['resolved']);
    inbox.close();
  });

  it('fires a threshold rule only after its duration, does not flap at the threshold, and a silenced rule sends nothing', async () => {
    const db = pipeline.database.db;
    const loud = await createWebhook(db, { name: 'gales', url: 'http://placeholder' });
    const muted = await createWebhook(db, { name: 'muted', url: 'http://placeholder' });
    const inbox = await receiver(() => loud.secret);
    const mutedInbox = await receiver(() => muted.secret);
    await db.execute(sql`update webhooks set url = ${inbox.url} where id = ${loud.id}`);
    await db.execute(sql`update webhooks set url = ${mutedInbox.url} where id = ${muted.id}`);
    await registerStation(db, 'GUSTY', { gatewayId: GATEWAY });
    const gale = {
      name: 'Gale',
      kind: 'threshold',
      scope: 'station',
      target: 'GUSTY',
      measurement: 'wind_gust',
      direction: 'above',
      threshold: 20,
      clear_at: 17,
      for_seconds: 600,
    };
    const rule = await createRule(db, ruleInput.parse({ ...gale, webhook_id: loud.id }));
    const silenced = await createRule(
      db,
      ruleInput.parse({ ...gale, name: 'Gale (muted)', webhook_id: muted.id }),
    );
    await silenceRule(db, silenced.id, new Date(Date.now() + 3_600_000));

    // Gusts in data time, from 30 minutes ago: each reading lands, then the worker looks.
    const t0 = Date.now() - 30 * MIN;
    const gust = async (minute: number, value: number) => {
      await insertReadings(db, [
        storedReading('GUSTY', new Date(t0 + minute * MIN), { wind_gust: value }),
      ]);
      await settle(2500);
    };
    await gust(0, 25);
    expect(await alertStates(rule.id)).toEqual(['pending']);
    await gust(5, 24);
    expect(await alertStates(rule.id)).toEqual(['pending']);
    expect(inbox.received).toEqual([]);
    await gust(11, 26);
    await until('the gale firing', () => inbox.received.length >= 1, 10_000);
    // Hovering at the threshold and above the clearing value: still one firing.
    for (const [minute, value] of [
      [12, 19.5],
      [13, 20.5],
      [14, 18],
      [15, 20.1],
    ] as const)
      await gust(minute, value);
    expect(inbox.received.map((r) => r.event)).toEqual(['firing']);
    await gust(16, 16.5);
    await until('the gale resolved', () => inbox.received.length >= 2, 10_000);
    await settle();
    expect(inbox.received.map((r) => [r.event, r.verified, r.body.alert?.value])).toEqual([
      ['firing', true, 26],
      ['resolved', true, 16.5],
    ]);
    // The silenced rule's alert changed state like the other, and told nobody.
    expect(await alertStates(silenced.id)).toEqual(['resolved']);
    expect(mutedInbox.received).toEqual([]);
    inbox.close();
    mutedInbox.close();
  });

  it('retries a receiver that fails 3 times, then it gets the notification once (same id each time)', async () => {
    const db = pipeline.database.db;
    const hook = await createWebhook(db, { name: 'flaky', url: 'http://placeholder' });
    const inbox = await receiver(() => hook.secret, 3);
    await db.execute(sql`update webhooks set url = ${inbox.url} where id = ${hook.id}`);
    const { notification_id } = await queueTest(db, hook.id, 'http://dashboard.example');
    await until(
      'a delivery that succeeded',
      () => inbox.received.some((r) => r.status === 200),
      30_000,
    );
    await settle();
    expect(inbox.received.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(inbox.received.map((r) => r.id))).toEqual(new Set([String(notification_id)]));
    expect(inbox.received.every((r) => r.verified && r.event === 'test')).toBe(true);
    const [log] = await listDeliveries(db, hook.id);
    expect(log).toMatchObject({ id: notification_id, attempts: 4, lastStatus: 200 });
    expect(log?.deliveredAt).toBeInstanceOf(Date);
    inbox.close();
  });
});

describe('a webhook to a private address', () => {
  it('is refused at delivery without WEBHOOK_ALLOW_PRIVATE, by IP and by a name that resolves to one', async () => {
    const inbox = await receiver(() => 'secret');
    const port = new URL(inbox.url).port;
    for (const url of [inbox.url, `http://localhost:${port}/hook`]) {
      const outcome = await deliver(
        {
          id: 1,
          webhook_id: 1,
          url,
          secret: 'secret',
          event: 'test',
          payload: {},
          attempts: 0,
          created_at: new Date(),
        },
        { allowPrivate: false },
      );
      expect(outcome).toMatchObject({ ok: false, retryAt: null });
      expect(outcome.ok === false && outcome.error).toMatch(/private/);
    }
    expect(inbox.received).toEqual([]);
    inbox.close();
  });
});
