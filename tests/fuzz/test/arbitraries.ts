import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';

/** One hostile HTTP request, as bytes the server will see (no client-side normalisation). */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

// Segments a careless client or an attacker puts into a path: broken and overlong
// percent-encodings, dot segments, encoded slashes and NULs, very long ids, odd punctuation.
const hostileSegment = fc.oneof(
  fc.constantFrom(
    '%ZZ',
    '%C0%AF',
    '%',
    '%E0%A4%A',
    '%00',
    '%FF%FE',
    '..',
    '.',
    '%2e%2e',
    '%2F',
    '%u0041',
    '~',
    '$',
    "ST-001'--",
    'ST-001',
    'SIM-001',
    'a'.repeat(300),
    '%25',
    '%%',
    '()',
    '{}',
    '[]',
    '"',
    '<script>',
    '\\',
  ),
  fc.stringMatching(/^[!-~]{0,24}$/).map((s) => s.replace(/[?#/]/g, '')),
);

const hostileValue = fc.oneof(
  fc.constantFrom(
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00+14:00',
    '1899-12-31T23:59:59Z',
    '99999-01-01T00:00:00Z',
    '294277-01-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-11-28T00:00:00Z',
    '-1',
    '0',
    '1e309',
    'NaN',
    'Infinity',
    '%ZZ',
    '%C0%AF',
    'xml',
    'csv',
    'json',
    '1m',
    '7d',
    '',
    'a'.repeat(2000),
    'eyJ0cyI6MX0',
    '{"0":{"json":null}}',
    '[]',
    'true',
  ),
  fc.stringMatching(/^[!-~]{0,16}$/).map((s) => encodeURIComponent(s)),
);

const queryKey = fc.oneof(
  fc.constantFrom(
    'start_time',
    'end_time',
    'limit',
    'cursor',
    'interval',
    'format',
    'count',
    'seed',
    'batch',
    'input',
    'station_ids',
    '__proto__',
    'constructor',
  ),
  fc.stringMatching(/^[a-z_%]{1,10}$/),
);

const query = fc
  .array(fc.tuple(queryKey, hostileValue), { maxLength: 4 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));

/** A path near the surface's known routes: a route as is, with hostile segments, or random. */
export function pathArbitrary(routes: readonly string[], prefix = '') {
  const route = fc.constantFrom(...routes);
  return fc
    .tuple(
      fc.oneof(
        route,
        fc
          .tuple(route, fc.array(hostileSegment, { minLength: 1, maxLength: 3 }))
          .map(([r, segments]) => `${r}/${segments.join('/')}`),
        fc
          .array(hostileSegment, { minLength: 1, maxLength: 4 })
          .map((segments) => `${prefix}/${segments.join('/')}`),
      ),
      query,
    )
    .map(([path, q]) => `${path}${q}`);
}

const weird = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00+14:00',
    '2026-11-28T10:00:00Z',
    'ST-001',
    1e308,
    -1e308,
    -0,
    null,
  ),
);

/** Something shaped like a reading, with any field missing, mistyped or out of range. */
const readingLike = fc.record(
  {
    station_id: fc.oneof(fc.constantFrom('ST-001', 'FZ-1', '', 'a'.repeat(65)), weird),
    timestamp: weird,
    temperature: weird,
    humidity: weird,
    wind_speed: weird,
    pressure: weird,
  },
  { requiredKeys: [] },
);

// Bodies that parse to prototype keys: they must be validated like any other key.
const prototypeBodies = fc.constantFrom(
  '{"__proto__":{"polluted":true},"station_id":"ST-001","timestamp":"2026-11-28T10:00:00Z","temperature":1}',
  '{"constructor":{"prototype":{"polluted":true}},"records":[]}',
  '{"records":[{"__proto__":{"temperature":5},"station_id":"ST-001","timestamp":"2026-11-28T10:00:00Z"}]}',
);

const jsonText = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
  readingLike.map((r) => JSON.stringify(r)),
  fc.array(readingLike, { maxLength: 5 }).map((records) => JSON.stringify({ records })),
  prototypeBodies,
  fc.integer({ min: 1, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.constantFrom('', '{', '{"records":', 'null', '[]', '"x"', '{"a":1}garbage', '\u0000'),
);

/** A body and the encoding it claims: sometimes honest, sometimes broken or unknown. */
export const bodyArbitrary = fc.oneof(
  jsonText.map((text) => ({ body: Buffer.from(text), encoding: undefined as string | undefined })),
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => ({
    body: Buffer.from(bytes),
    encoding: undefined as string | undefined,
  })),
  fc
    .tuple(
      jsonText,
      fc.constantFrom('gzip', 'deflate', 'br', 'x-unknown', 'gzip, gzip', 'identity'),
    )
    .map(([text, encoding]) => ({ body: encode(Buffer.from(text), encoding), encoding })),
  // Claims gzip, sends something that is not.
  fc.uint8Array({ maxLength: 512 }).map((bytes) => ({
    body: Buffer.from(bytes),
    encoding: 'gzip' as string | undefined,
  })),
  // A small compressed body that inflates to 2 MB.
  fc.constant({ body: gzipSync(Buffer.alloc(2 * 1024 * 1024)), encoding: 'gzip' }),
);

function encode(raw: Buffer, encoding: string): Buffer {
  if (encoding.startsWith('gzip')) return gzipSync(raw);
  if (encoding === 'deflate') return deflateSync(raw);
  if (encoding === 'br') return brotliCompressSync(raw);
  return raw;
}

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json, text/plain',
  ';;;',
  '',
);

const optionalHeaders = fc.record(
  {
    accept: fc.constantFrom('application/json', 'text/csv', '*/*', 'text/html', ''),
    traceparent: fc.constantFrom(
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-0000000000000000-00',
      'garbage',
      'ff-zz',
    ),
    authorization: fc.constantFrom('Bearer ', 'Bearer x', 'Basic %%%', 'x'.repeat(4000)),
    'x-forwarded-for': fc.constantFrom('127.0.0.1', '169.254.169.254', 'not-an-ip'),
    'accept-encoding': fc.constantFrom('gzip', 'br', 'identity;q=0', '*;q=0'),
    range: fc.constantFrom('bytes=0-10', 'bytes=-1', 'bytes=x'),
  },
  { requiredKeys: [] },
);

const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];

/**
 * A whole hostile request against `routes` (paths of the surface, without the origin), with
 * `extraMethods` beside the usual ones.
 */
export function requestArbitrary(
  routes: readonly string[],
  prefix = '',
  extraMethods: readonly string[] = [],
): fc.Arbitrary<FuzzRequest> {
  const method = fc.constantFrom(...METHODS, ...extraMethods);
  return fc
    .tuple(method, pathArbitrary(routes, prefix), contentType, optionalHeaders, bodyArbitrary)
    .map(([m, path, type, extra, { body, encoding }]) => {
      const headers: Record<string, string> = { ...extra };
      if (type) headers['content-type'] = type;
      if (m === 'GET' || m === 'HEAD') return { method: m, path, headers };
      if (encoding) headers['content-encoding'] = encoding;
      return { method: m, path, headers, body };
    });
}
