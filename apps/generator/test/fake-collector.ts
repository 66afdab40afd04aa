import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeIssues, readingKey, readingSchema } from '@weather/core/reading';

export interface Received {
  at: number;
  path: string;
  records: Record<string, unknown>[];
}

type Override = (request: Received, res: ServerResponse) => boolean;

/**
 * A stand-in for the collector's HTTP API (validation and answers as SPEC §4, no Kafka), that
 * remembers what it accepted. `override` may answer a request itself (503, slow, …).
 */
export async function startFakeCollector(port = 0) {
  const schema = readingSchema();
  const requests: Received[] = [];
  const accepted = new Map<string, number>();
  const counts = { rejected: 0 };
  let override: Override | undefined;

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = req.url ?? '';
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const batch = path === '/weather-data/batch';
    const records = batch ? (parsed.records as Record<string, unknown>[]) : [parsed];
    const request = { at: Date.now(), path, records };
    requests.push(request);
    if (override?.(request, res)) return;
    const failures: { index: number; errors: { path: string; message: string }[] }[] = [];
    records.forEach((record, index) => {
      const result = schema.safeParse(record);
      if (result.success) {
        const key = readingKey(result.data);
        accepted.set(key, (accepted.get(key) ?? 0) + 1);
      } else {
        counts.rejected++;
        failures.push({ index, errors: describeIssues(result.error) });
      }
    });
    const ok = failures.length < records.length;
    res.writeHead(ok ? 202 : 422, { 'content-type': 'application/json' });
    if (batch) {
      res.end(
        JSON.stringify({
          status: failures.length === 0 ? 'completed' : ok ? 'partial' : 'failed',
          batch_id: null,
          total: records.length,
          successful: records.length - failures.length,
          failed: failures.length,
          failures,
        }),
      );
    } else if (ok) {
      res.end(JSON.stringify({ status: 'accepted' }));
    } else {
      res.end(
        JSON.stringify({
          error: 'validation_failed',
          message: 'Invalid body',
          details: failures[0]?.errors,
        }),
      );
    }
  };

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    requests,
    /** Distinct keys accepted, and how many copies of them. */
    accepted,
    /** Records that failed validation. */
    get rejected() {
      return counts.rejected;
    },
    get copies() {
      let total = 0;
      for (const n of accepted.values()) total += n;
      return total;
    },
    answerWith(fn: Override | undefined) {
      override = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type FakeCollector = Awaited<ReturnType<typeof startFakeCollector>>;
