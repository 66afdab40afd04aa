/**
 * The station firmware endpoints (SPEC §13): Weather Underground, Ecowitt and Ambient Weather
 * uploads, each authenticated by the registry's tokens and sent down the JSON API's path —
 * validation, Kafka, acknowledged only once the broker has the reading. Each replies what its
 * firmware expects. Firmware cannot act on an error, so a bad field never loses an upload: it
 * is stored as missing with its QC flag (`parseUpload`), and only an unreadable time, a station
 * id the system cannot store or an upload with no measurement at all is refused.
 */
import { ambientPairs, type ParsedUpload, parseUpload } from '@weather/contracts/station-protocols';
import { describeIssues, type Protocol, type Reading, readingParser } from '@weather/core/reading';
import type { Principal } from '@weather/registry';
import type { Server } from '@weather/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { IngestAuth, Refused } from './ingest-auth';

export interface ProtocolDeps {
  auth: IngestAuth;
  registry: Registry;
  /** Publishes one reading; false when Kafka did not acknowledge (answer 503). */
  publish: (reading: Reading, request: FastifyRequest) => Promise<boolean>;
  /** The stations the principal may not write (see `IngestAuth.refusedStations`); null: 503. */
  refusedStations: (
    request: FastifyRequest,
    stationIds: string[],
  ) => Promise<Map<number, string> | null>;
  retryAfter: string;
}

/** A reply: status and body, and the firmware's content type. */
interface Answer {
  status: number;
  body: string;
  type: string;
}

/** What each protocol's firmware expects to read back. */
const REPLIES: Record<
  Protocol,
  { ok: Answer; error: (status: number, message: string) => Answer }
> = {
  wunderground: {
    ok: { status: 200, body: 'success\n', type: 'text/plain; charset=utf-8' },
    // Clients treat a body starting INVALIDPASSWORDID as an authentication error.
    error: (status, message) => ({
      status,
      body: status === 401 ? `INVALIDPASSWORDID|${message}\n` : `${message}\n`,
      type: 'text/plain; charset=utf-8',
    }),
  },
  // ecowitt.net's own answer; any 200 is accepted, this one is what gateways know.
  ecowitt: {
    ok: {
      status: 200,
      body: JSON.stringify({ errcode: '0', errmsg: 'ok' }),
      type: 'application/json; charset=utf-8',
    },
    error: (status, message) => ({
      status,
      body: JSON.stringify({ errcode: String(status), errmsg: message }),
      type: 'application/json; charset=utf-8',
    }),
  },
  ambient: {
    ok: { status: 200, body: 'OK\n', type: 'text/plain; charset=utf-8' },
    error: (status, message) => ({
      status,
      body: `${message}\n`,
      type: 'text/plain; charset=utf-8',
    }),
  },
};

/** The path segment after `prefix` up to the next `/`, `?` or `&`: a token, never logged. */
const PATH_TOKEN = (prefix: string) => new RegExp(`^(${prefix})[^/?&]*`);

export function registerProtocols(app: Server, deps: ProtocolDeps) {
  const uploads = new Counter({
    name: 'collector_protocol_uploads_total',
    help: 'Station firmware uploads accepted, by protocol',
    labelNames: ['protocol'] as const,
    registers: [deps.registry],
  });
  const outOfRange = new Counter({
    name: 'collector_protocol_fields_out_of_range_total',
    help: 'Firmware fields out of their measurement range, stored as missing with a range flag',
    labelNames: ['protocol', 'measurement'] as const,
    registers: [deps.registry],
  });
  const parse = readingParser();

  const answer = (reply: FastifyReply, { status, body, type }: Answer, headers = {}) =>
    reply.code(status).headers(headers).type(type).send(body);
  const refusedAnswer = (reply: FastifyReply, protocol: Protocol, refused: Refused) =>
    answer(
      reply,
      REPLIES[protocol].error(refused.status, refused.body.message),
      refused.headers ?? {},
    );

  /**
   * Authenticates, authorises and publishes one upload. The station is the WU `ID`; on the path
   * protocols, a station token's own station, or the `ID` field with a gateway token (with
   * authentication off, `ID` or else the path segment, as any station id was accepted in the
   * seed).
   */
  async function ingest(
    request: FastifyRequest,
    reply: FastifyReply,
    protocol: Protocol,
    token: string | undefined,
    params: URLSearchParams,
  ) {
    const replies = REPLIES[protocol];
    const fail = (status: number, message: string, headers = {}) =>
      answer(reply, replies.error(status, message), headers);
    const receivedAt = new Date();
    let stationId: string | undefined;
    if (protocol === 'wunderground') {
      stationId = params.get('ID') ?? params.get('id') ?? undefined;
      if (!stationId) return fail(400, 'ID (the station id) is required');
      if (!token && deps.auth.mode !== 'off') return fail(400, 'PASSWORD (a token) is required');
    }

    const authenticated = await deps.auth.authenticate(token);
    if ('refused' in authenticated) return refusedAnswer(reply, protocol, authenticated.refused);
    const principal: Principal | null = authenticated.principal;
    request.principal = principal;
    if (!stationId) {
      // A station token names its station. A gateway token (a relay, the simulator) names it
      // with an `ID` field, as WU does; with authentication off, so may the path segment.
      const id = params.get('ID') ?? params.get('id') ?? undefined;
      if (principal?.kind === 'station') stationId = principal.ownerId;
      else if (principal && !id) {
        return fail(
          403,
          'A gateway token writes many stations: name the station with an ID field, or put a station token in this path (npm run stations -- token <station>)',
        );
      } else stationId = id ?? token;
    }
    const limited = await deps.auth.spendReadings(principal, 1);
    if (limited) return refusedAnswer(reply, protocol, limited);
    const refused = await deps.refusedStations(request, [stationId as string]);
    if (refused === null) {
      return fail(503, 'New stations cannot be registered right now; retry', {
        'retry-after': deps.retryAfter,
      });
    }
    const refusal = refused.get(0);
    if (refusal) {
      return fail(
        403,
        refusal === 'station_disabled'
          ? 'This station is disabled'
          : 'This token may not write this station',
      );
    }

    const parsed = parseUpload(protocol, params, receivedAt);
    if (!parsed.ok) return fail(400, parsed.message);
    const reading = toReading(parsed.upload, stationId as string, protocol);
    if (typeof reading === 'string') return fail(400, reading);
    for (const measurement of parsed.upload.outOfRange) {
      outOfRange.inc({ protocol, measurement });
    }
    if (!(await deps.publish(reading, request))) {
      return fail(503, `The message broker did not acknowledge; retry after ${deps.retryAfter} s`, {
        'retry-after': deps.retryAfter,
      });
    }
    uploads.inc({ protocol });
    return answer(reply, replies.ok);
  }

  /** The upload as a validated reading with its extras, or why it cannot be stored. */
  function toReading(upload: ParsedUpload, stationId: string, protocol: Protocol) {
    const result = parse({
      ...upload.reading,
      station_id: stationId,
      ...(upload.rainCounterKind ? { rain_counter_kind: upload.rainCounterKind } : {}),
    });
    if (!result.success) {
      return describeIssues(result.error)
        .map(({ path, message }) => (path === '(reading)' ? message : `${path} ${message}`))
        .join('; ');
    }
    const reading: Reading = result.data;
    if (upload.qc) reading.qc = upload.qc;
    reading.raw = {
      protocol,
      fields: upload.fields,
      ...(Object.keys(upload.dropped).length > 0 ? { dropped: upload.dropped } : {}),
    };
    return reading;
  }

  const hidden = { hide: true } as const;

  app.get(
    '/weatherstation/updateweatherstation.php',
    {
      schema: hidden,
      config: { logUrl: (url) => url.replace(/([?&]PASSWORD=)[^&]*/gi, '$1[redacted]') },
    },
    async (request, reply) => {
      const query = request.url.indexOf('?');
      const params = new URLSearchParams(query >= 0 ? request.url.slice(query + 1) : '');
      const token = params.get('PASSWORD') ?? params.get('password') ?? undefined;
      return ingest(request, reply, 'wunderground', token, params);
    },
  );

  // Ecowitt posts a form; gateways are not all careful about its content type, so in this
  // scope any body is read as text.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
    const ecowittToken = PATH_TOKEN('/data/report/');
    for (const url of ['/data/report/:token', '/data/report/:token/']) {
      scope.post(
        url,
        {
          schema: hidden,
          config: { logUrl: (u) => u.replace(ecowittToken, '$1[redacted]') },
        },
        async (request, reply) => {
          const { token } = request.params as { token: string };
          const body = typeof request.body === 'string' ? request.body : '';
          return ingest(request, reply, 'ecowitt', token, new URLSearchParams(body));
        },
      );
    }
  });

  const ambientToken = PATH_TOKEN('/ambient/');
  app.get(
    '/ambient/*',
    {
      schema: hidden,
      config: { logUrl: (url) => url.replace(ambientToken, '$1[redacted]') },
    },
    async (request, reply) => {
      const rest = request.url.slice('/ambient/'.length);
      const end = rest.search(/[/?&]/);
      const token = end < 0 ? rest : rest.slice(0, end);
      return ingest(request, reply, 'ambient', token, ambientPairs(end < 0 ? '' : rest.slice(end)));
    },
  );
}
