import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeIssues, readingKey, readingSchema } from '@weather/core/reading';
import { TOKEN_PATTERN } from '@weather/core/tokens';

export interface Received {
  at: number;
  path: string;
  records: Record<string, unknown>[];
  headers: IncomingHttpHeaders;
}

type StationRefusal = 'forbidden_station' | 'station_disabled';
const REFUSAL_MESSAGES: Record<StationRefusal, string> = {
  forbidden_station: 'This token may not write this station',
  station_disabled: 'This station is disabled',
};

type Override = (request: Received, res: ServerResponse) => boolean;

/**
 * A stand-in for the collector's HTTP API (validation and answers as SPEC §4, no Kafka), that
 * remembers what it accepted and the headers of every request. `override` may answer a request
 * itself (503, slow, …); `requireTokens` and `refuseStations` answer 401 and 403 as SPEC §12.
 */
export async function startFakeCollector(port = 0) {
  const schema = readingSchema();
  const requests: Received[] = [];
  const accepted = new Map<string, number>();
  const counts = { rejected: 0, unauthorized: 0 };
  let override: Override | undefined;
  let tokens: Set<string> | undefined;
  const refusedStations = new Map<string, StationRefusal>();

  const json = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  /** The collector's 401, or undefined when the request's token is one it knows. */
  const unauthorized = (header: string | undefined) => {
    if (!tokens) return undefined;
    if (header === undefined) return 'missing_token';
    const token = /^Bearer (\S+)$/.exec(header)?.[1];
    if (token === undefined || !TOKEN_PATTERN.test(token)) return 'malformed_token';
    return tokens.has(token) ? undefined : 'unknown_token';
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = req.url ?? '';
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const batch = path === '/weather-data/batch';
    const records = batch ? (parsed.records as Record<string, unknown>[]) : [parsed];
    const request = { at: Date.now(), path, records, headers: req.headers };
    requests.push(request);
    if (override?.(request, res)) return;
    const refusedToken = unauthorized(req.headers.authorization);
    if (refusedToken) {
      counts.unauthorized++;
      json(
        res,
        401,
        { error: refusedToken, message: `fake collector: ${refusedToken}` },
        { 'www-authenticate': 'Bearer realm="ingest"' },
      );
      return;
    }
    const failures: {
      index: number;
      errors: { path: string; message: string }[];
      reason?: StationRefusal;
      station_id?: string;
    }[] = [];
    let forbidden = 0;
    records.forEach((record, index) => {
      const result = schema.safeParse(record);
      const refusal = result.success ? refusedStations.get(result.data.station_id) : undefined;
      if (result.success && refusal) {
        forbidden++;
        failures.push({
          index,
          station_id: result.data.station_id,
          reason: refusal,
          errors: [{ path: 'station_id', message: REFUSAL_MESSAGES[refusal] }],
        });
      } else if (result.success) {
        const key = readingKey(result.data);
        accepted.set(key, (accepted.get(key) ?? 0) + 1);
      } else {
        counts.rejected++;
        failures.push({ index, errors: describeIssues(result.error) });
      }
    });
    const ok = failures.length < records.length;
    if (!batch && forbidden > 0) {
      const reason = failures[0]?.reason as StationRefusal;
      json(res, 403, { error: reason, message: REFUSAL_MESSAGES[reason] });
      return;
    }
    res.writeHead(ok ? 202 : forbidden === failures.length ? 403 : 422, {
      'content-type': 'application/json',
    });
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
    /** Requests answered 401. */
    get unauthorized() {
      return counts.unauthorized;
    },
    answerWith(fn: Override | undefined) {
      override = fn;
    },
    /** From now on, only these tokens may ingest (401 otherwise); undefined: no auth. */
    requireTokens(list: string[] | undefined) {
      tokens = list && new Set(list);
    },
    /** Readings of these stations are refused, as for a token that may not write them. */
    refuseStations(ids: string[], reason: StationRefusal = 'forbidden_station') {
      refusedStations.clear();
      for (const id of ids) refusedStations.set(id, reason);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type FakeCollector = Awaited<ReturnType<typeof startFakeCollector>>;
