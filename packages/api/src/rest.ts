import type { TRPCError } from '@trpc/server';
import { createOpenApiFetchHandler } from 'trpc-to-openapi';
import type { QueryCache } from './cache';
import { describeError, type ErrorBody } from './errors';
import { malformedEncoding } from './limits';
import { appRouter } from './root';
import type { ApiContext } from './trpc';

/** REST routes whose answers are cached whole, under their station's version. */
const CACHED_ROUTE = /^\/weather\/(?:aggregate|timeseries)\/([^/]+)$/;

/**
 * REST: the procedures that carry `meta.openapi`, served under `endpoint` at their OpenAPI paths.
 * With a `cache`, a chart's GET (aggregate, timeseries) is also cached as the finished response
 * body, so a hit skips the procedure, its output validation and serialisation. It is keyed
 * like the procedure's own cache (epoch, the station's version, the normalised URL), so new
 * readings invalidate both at once, and kept as long as the procedure allowed.
 */
export async function handleRest(
  request: Request,
  createContext: (resHeaders: ApiContext['resHeaders']) => ApiContext,
  endpoint: `/${string}` = '/api',
  cache?: QueryCache,
): Promise<Response> {
  const url = new URL(request.url);
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
    req.method === 'GET' ? CACHED_ROUTE.exec(url.pathname.slice(endpoint.length)) : null;
  if (!cache || !route) return openApi(req, createContext, endpoint).response;
  url.searchParams.sort();
  const { value, status } = await cache.get(
    {
      op: 'rest',
      stationId: decodeURIComponent(route[1] as string),
      params: `${url.pathname}?${url.searchParams}`,
      ttlSeconds: (answer) => answer.ttlSeconds,
    },
    async () => {
      const { response, context } = openApi(req, createContext, endpoint);
      const res = await response;
      return {
        status: res.status,
        body: await res.text(),
        // Only successful answers of cached procedures are kept.
        ttlSeconds: res.ok ? ((await context)?.cacheTtlSeconds ?? 0) : 0,
      };
    },
  );
  return new Response(value.body, {
    status: value.status,
    headers: { 'content-type': 'application/json', 'x-cache': status },
  });
}

/**
 * trpc-to-openapi's fetch adapter is typed with `resHeaders` but runs its Node handler, which
 * passes `res`; the context gets whichever is there. Also returns the context it created.
 * Its error bodies are tRPC's shape plus its own fields; ours is the API's `{ error, message }`.
 */
function openApi(
  req: Request,
  createContext: (resHeaders: ApiContext['resHeaders']) => ApiContext,
  endpoint: `/${string}`,
) {
  let created: ApiContext | undefined;
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
      created = createContext(
        resHeaders ?? (res ? { set: (name, value) => res.setHeader(name, value) } : undefined),
      );
      return created;
    },
  });
  const response = answered.then((res) => {
    if (!failure) return res;
    const { status, body } = describeError(failure.error);
    if (!failure.routed && failure.error.code === 'NOT_FOUND') {
      body.message = `No route for ${req.method} ${new URL(req.url).pathname}`;
    }
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    return Response.json(body, { status, headers });
  });
  return { response, context: response.then(() => created) };
}
