import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeCollector, startFakeCollector } from './fake-collector';
import { type App, buildApp, status, waitForStatus } from './helpers';

// Stations against a stand-in collector that misbehaves on cue: they must keep their readings,
// wait as told, and account for every one.
let app: App | undefined;
let collector: FakeCollector | undefined;

afterEach(async () => {
  await app?.close();
  await collector?.close();
  app = undefined;
  collector = undefined;
});

async function freePort() {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const start = async (a: App, options: Record<string, unknown>) => {
  const res = await a.inject({ method: 'POST', url: '/start', payload: options });
  expect(res.statusCode).toBe(202);
};

describe('a simulated station', () => {
  it('waits for Retry-After on 503, retries the same readings, and loses none', async () => {
    collector = await startFakeCollector();
    let unavailable = 3;
    collector.answerWith((_request, res) => {
      if (unavailable <= 0) return false;
      unavailable--;
      res.writeHead(503, { 'retry-after': '1', 'content-type': 'application/json' });
      res.end('{"error":"kafka_unavailable","message":"broker down"}');
      return true;
    });
    app = await buildApp(collector.url);
    const a = app;
    await start(a, { stations: 1, interval: 0.05, batch_size: 5, duplicate_percent: 0 });
    await waitForStatus(
      'uploads after the outage',
      () => status(a),
      (s) => (s.run?.unique_accepted ?? 0) >= 40,
    );
    const { run } = (await a.inject({ method: 'POST', url: '/stop' })).json();

    expect(run.requests.unavailable).toBe(3);
    expect(run.retried).toBe(15);
    expect(run.last_error).toContain('HTTP 503');
    // The same five readings went out four times, each retry at least Retry-After later.
    const [first, ...retries] = collector.requests.slice(0, 4);
    for (const [i, retry] of retries.entries()) {
      expect(retry.records).toEqual(first?.records);
      const previous = collector.requests[i];
      expect(retry.at - (previous?.at ?? 0)).toBeGreaterThanOrEqual(950);
    }
    // Nothing lost: every reading is stored once or was still buffered at stop.
    expect(run.unique_accepted).toBe(collector.accepted.size);
    expect(run.generated).toBe(run.unique_accepted + run.discarded);
    expect(run.dropped).toBe(0);
  });

  it('keeps readings while the collector is unreachable and delivers them when it is back', async () => {
    const port = await freePort();
    app = await buildApp(`http://127.0.0.1:${port}`);
    const a = app;
    await start(a, { stations: 2, interval: 0.05, batch_size: 3, duplicate_percent: 0 });
    const down = await waitForStatus(
      'failed uploads',
      () => status(a),
      (s) => (s.run?.requests.failed ?? 0) >= 4,
    );
    expect(down.run?.accepted).toBe(0);
    expect(down.run?.last_error).toMatch(/ECONNREFUSED|connect/i);

    collector = await startFakeCollector(port);
    const backlog = down.run?.buffered ?? 0;
    expect(backlog).toBeGreaterThan(6);
    await waitForStatus(
      'the backlog delivered',
      () => status(a),
      (s) => (s.run?.unique_accepted ?? 0) >= backlog + 20,
    );
    const { run } = (await a.inject({ method: 'POST', url: '/stop' })).json();
    expect(run.retried).toBeGreaterThan(0);
    expect(run.unique_accepted).toBe(collector.accepted.size);
    expect(run.generated).toBe(run.unique_accepted + run.discarded);
    expect(run.unknown_outcome).toBe(0);
  });

  it('drops the oldest readings when its buffer is full', async () => {
    const port = await freePort();
    app = await buildApp(`http://127.0.0.1:${port}`);
    const a = app;
    await start(a, {
      stations: 1,
      interval: 0.05,
      batch_size: 2,
      buffer_size: 5,
      duplicate_percent: 0,
    });
    const s = await waitForStatus(
      'a full buffer',
      () => status(a),
      (x) => (x.run?.dropped ?? 0) >= 10,
    );
    expect(s.run?.buffered).toBeLessThanOrEqual(5);
    const { run } = (await a.inject({ method: 'POST', url: '/stop' })).json();
    expect(run.generated).toBe(run.dropped + run.discarded + run.unique_accepted);
  });

  it("counts every rejected reading once, grouped by the collector's reason", async () => {
    collector = await startFakeCollector();
    app = await buildApp(collector.url);
    const a = app;
    await start(a, {
      stations: 3,
      interval: 0.05,
      batch_size: 4,
      invalid_percent: 25,
      duplicate_percent: 20,
    });
    await waitForStatus(
      'rejections',
      () => status(a),
      (s) => (s.run?.rejected ?? 0) >= 30,
    );
    const { run } = (await a.inject({ method: 'POST', url: '/stop' })).json();
    const sent = collector.requests.flatMap((r) => r.records).length;
    expect(run.sent).toBe(sent);
    expect(run.rejected).toBe(collector.rejected);
    // Invalid readings are rejected once each, unless still buffered at stop.
    expect(run.faults.invalid - run.rejected).toBeGreaterThanOrEqual(0);
    expect(run.faults.invalid - run.rejected).toBeLessThanOrEqual(run.discarded);
    expect(run.accepted + run.rejected).toBe(sent);
    expect(run.unique_accepted).toBe(collector.accepted.size);
    expect(run.accepted).toBe(collector.copies);
    const reasons = Object.keys(run.rejections).join('\n');
    expect(reasons).toMatch(/must be between/);
    expect(reasons).toMatch(/timestamp: /);
    const kinds = Object.values(run.faults.invalid_by_kind as Record<string, number>);
    expect(kinds.reduce((x, y) => x + y, 0)).toBe(run.faults.invalid);
  });
});
