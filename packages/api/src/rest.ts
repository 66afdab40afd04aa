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
 * entry for the same input and `now`.
 */
export async function handleRest(
  request: Request,
  createContext: (resHeaders: ApiContext['resHeaders']) => ApiContext,
  endpoint: `/${string}` = '/api',
  cache?: QueryCache,
  access?: RequestAccess,
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
  const { value, status } = await cache.get(
    {
      // Not JSON like other entries; its own operation name, so entries of older versions that
      // were JSON are never read as this.
      op: 'response',
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
      return {
        status: res.status,
        body: await res.text(),
        // Only successful answers are kept.
        ttlSeconds: res.ok ? ttlSecondsOf(route, url.searchParams, now) : 0,
      };
    },
    wholeResponse,
  );
  return new Response(value.body, {
    status: value.status,
    headers: { 'content-type': 'application/json', 'x-cache': status },
  });
}

type WholeResponse = { status: number; body: string; ttlSeconds: number };

/** A finished response as kept: its status, a newline, its body as sent (never re-encoded). */
const wholeResponse: CacheCodec<WholeResponse> = {
  encode: ({ status, body }) => `${status}\n${body}`,
  decode: (stored) => {
    const newline = stored.indexOf('\n');
    return {
      status: Number(stored.slice(0, newline)),
      body: stored.slice(newline + 1),
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
