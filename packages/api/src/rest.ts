import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { TRPCError } from '@trpc/server';
import type { RequestAccess } from '@weather/auth/access';
import {
  createOpenApiFetchHandler,
  forEachOpenApiProcedure,
  getInputOutputParsers,
  getPathRegExp,
  normalizePath,
} from 'trpc-to-openapi';
import type { z } from 'zod';
import type { CacheCodec, QueryCache } from './cache';
import { describeError, type ErrorBody } from './errors';
import { malformedEncoding, urlTooLong } from './limits';
import { appRouter } from './root';
import { type ApiContext, type ApiMeta, type CachePolicy, cacheEntryOf, readerOf } from './trpc';

/**
 * The GET routes whose procedure declares `cached({ wholeResponse: true })`. Matched like
 * trpc-to-openapi routes them but case-sensitively and without a trailing slash, since the URL
 * is the key: one spelling, one entry.
 */
const WHOLE_RESPONSE_ROUTES: { path: RegExp; policy: CachePolicy; input: z.ZodObject }[] = [];
forEachOpenApiProcedure<ApiMeta>(appRouter._def.procedures, ({ procedure, meta }) => {
  const policy = meta.cache;
  if (meta.openapi.method !== 'GET' || !policy?.wholeResponse) return;
  const path = normalizePath(meta.openapi.path);
  // The entry is kept under the station's version, so the station must be known before the call.
  if (policy.station && !path.includes(`{${policy.station}}`)) {
    throw new Error(`${path}: a whole response is cached under a station of its path`);
  }
  WHOLE_RESPONSE_ROUTES.push({
    path: new RegExp(getPathRegExp(path).source),
    policy,
    input: getInputOutputParsers(procedure).inputParser,
  });
});

function wholeResponseRoute(path: string) {
  for (const route of WHOLE_RESPONSE_ROUTES) {
    const params = route.path.exec(path)?.groups;
    if (params) return { ...route, params };
  }
  return undefined;
}

/** How long the procedure's entry keeps an answer to the input trpc-to-openapi gave it. */
function ttlSecondsOf(
  route: NonNullable<ReturnType<typeof wholeResponseRoute>>,
  query: URLSearchParams,
  now: number,
) {
  const input = route.input.safeParse({ ...Object.fromEntries(query), ...route.params });
  return input.success ? cacheEntryOf(route.policy, input.data, now).ttlSeconds : 0;
}

/**
 * REST: the procedures that carry `meta.openapi`, served under `endpoint` at their OpenAPI paths.
 * With a `cache`, the GETs whose procedure declares `wholeResponse` (the charts) are also cached
 * as the finished response body, so a hit skips the procedure, its output validation and
 * serialisation. It is keyed like the procedure's own cache (epoch, the station's version, the
 * normalised URL), so new readings invalidate both at once, and kept as long as the procedure's
 * entry for the same input and `now`. With `gzip`, a client that accepts gzip gets such an answer
 * compressed, and the compressed copy is kept in the same entry for the next one (servers that
 * compress every response themselves, such as Next.js, leave it off).
 */
export async function handleRest(
  request: Request,
  createContext: (resHeaders: ApiContext['resHeaders']) => ApiContext,
  endpoint: `/${string}` = '/api',
  cache?: QueryCache,
  access?: RequestAccess,
  options: { gzip?: boolean } = {},
): Promise<Response> {
  const url = new URL(request.url);
  // Before the cache: a cached answer is no answer for a caller who may not read it.
  const refused = access && (await readRefusal(access));
  if (refused) return refused;
  const tooLong = urlTooLong(url.pathname, url.search);
  if (tooLong) {
    return Response.json({ error: 'uri_too_long', message: tooLong } satisfies ErrorBody, {
      status: 414,
    });
  }
  const malformed = malformedEncoding(url.pathname, url.search);
  if (malformed) {
    return Response.json({ error: 'malformed_url', message: malformed } satisfies ErrorBody, {
      status: 400,
    });
  }
  // trpc-to-openapi collects the query into a plain object: a parameter named like an
  // Object.prototype member (`?constructor=`, `?toString=`) made it throw, a 500. No operation
  // takes such a parameter, so it is dropped like any other unknown one.
  for (const key of [...url.searchParams.keys()]) {
    if (key in Object.prototype) url.searchParams.delete(key);
  }
  // trpc-to-openapi answers every HEAD with an empty 204; answer it as GET would (the HTTP
  // server sends no body for HEAD), so a HEAD of an unknown station is a 404 too.
  const req =
    request.method === 'GET' || request.method === 'HEAD'
      ? new Request(url, { method: 'GET', headers: request.headers, signal: request.signal })
      : new Request(url, request);
  const route =
    req.method === 'GET' ? wholeResponseRoute(url.pathname.slice(endpoint.length)) : undefined;
  if (!cache || !route) return openApi(req, createContext, endpoint);
  url.searchParams.sort();
  const station = route.policy.station && route.params[route.policy.station];
  // Pinned for the call too, so its answer and the entry's lifetime are for the same moment.
  const now = Date.now();
  const wantsGzip = options.gzip === true && acceptsGzip(request.headers.get('accept-encoding'));
  const { value, status, key } = await cache.get(
    {
      // Bytes, not JSON like other entries; its own operation name, so entries of older versions
      // are never read as this.
      op: 'response:v2',
      stationId: station && decodeURIComponent(station),
      params: `${url.pathname}?${url.searchParams}`,
      ttlSeconds: (answer) => answer.ttlSeconds,
    },
    async () => {
      const res = await openApi(
        req,
        (headers) => ({ ...createContext(headers), now, cachedWhole: true }),
        endpoint,
      );
      const answer: WholeResponse = {
        status: res.status,
        body: Buffer.from(await res.arrayBuffer()),
        // Only successful answers are kept.
        ttlSeconds: res.ok ? ttlSecondsOf(route, url.searchParams, now) : 0,
      };
      if (wantsGzip && worthCompressing(answer)) answer.gzip = await gzip(answer.body);
      return answer;
    },
    wholeResponse,
  );
  if (wantsGzip && !value.gzip && worthCompressing(value)) {
    value.gzip = await gzip(value.body);
    // Kept for the next client; the answer does not wait for Redis.
    if (key) void cache.replace(key, value, wholeResponse);
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-cache': status,
  };
  if (options.gzip) headers.vary = 'accept-encoding';
  if (wantsGzip && value.gzip) {
    headers['content-encoding'] = 'gzip';
    return new Response(new Uint8Array(value.gzip), { status: value.status, headers });
  }
  return new Response(new Uint8Array(value.body), { status: value.status, headers });
}

type WholeResponse = { status: number; body: Buffer; gzip?: Buffer; ttlSeconds: number };

const gzip = promisify(gzipCallback);

/** Below a kilobyte (errors, short ranges) compression saves less than it costs. */
const worthCompressing = (answer: WholeResponse) =>
  answer.status === 200 && answer.body.length >= 1024;

/** Whether an Accept-Encoding header admits gzip (`gzip;q=0` refuses it). */
export function acceptsGzip(header: string | null): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * A finished response as kept, in bytes: an ASCII line `<status> <gzip length>`, then the gzip
 * copy (if any), then the body as sent (never re-encoded).
 */
const wholeResponse: CacheCodec<WholeResponse> = {
  binary: true,
  encode: ({ status, body, gzip }) =>
    Buffer.concat([Buffer.from(`${status} ${gzip?.length ?? 0}\n`), gzip ?? Buffer.alloc(0), body]),
  decode: (stored) => {
    const newline = stored.indexOf(10);
    const [status, gzipLength] = stored
      .subarray(0, newline)
      .toString('latin1')
      .split(' ')
      .map(Number);
    const start = newline + 1;
    const end = start + (gzipLength ?? 0);
    return {
      status: status ?? 500,
      gzip: end > start ? stored.subarray(start, end) : undefined,
      body: stored.subarray(end),
      ttlSeconds: 0,
    };
  },
};

/**
 * trpc-to-openapi's fetch adapter is typed with `resHeaders` but runs its Node handler, which
 * passes `res`; the context gets whichever is there. Its error bodies are tRPC's shape plus its
 * own fields; ours is the API's `{ error, message }`.
 */
function openApi(
  req: Request,
  createContext: (resHeaders: ApiContext['resHeaders']) => ApiContext,
  endpoint: `/${string}`,
) {
  let failure: { error: TRPCError; routed: boolean } | undefined;
  const answered = createOpenApiFetchHandler({
    endpoint,
    req,
    router: appRouter,
    onError: ({ error, path }) => {
      failure = { error, routed: path !== undefined };
    },
    createContext: (opts) => {
      const { resHeaders, res } = opts as {
        resHeaders?: Headers;
        res?: { setHeader: (name: string, value: string) => void };
      };
      return createContext(
        resHeaders ?? (res ? { set: (name, value) => res.setHeader(name, value) } : undefined),
      );
    },
  });
  return answered.then((res) => {
    if (!failure) return res;
    const { status, body } = describeError(failure.error);
    if (!failure.routed && failure.error.code === 'NOT_FOUND') {
      body.message = `No route for ${req.method} ${new URL(req.url).pathname}`;
    }
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    return Response.json(body, { status, headers });
  });
}

/**
 * Every REST operation is a read: the procedures' reader rule, applied before the cache so that
 * a cached answer never reaches a caller who may not read it.
 */
async function readRefusal(access: RequestAccess): Promise<Response | undefined> {
  try {
    await readerOf(access);
    return undefined;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    const { status, body } = describeError(error);
    return Response.json(body, {
      status,
      headers: { 'www-authenticate': 'Bearer realm="weather"' },
    });
  }
}
