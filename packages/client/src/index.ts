/**
 * A typed client of the weather pipeline's tRPC API (the web app's `/api/trpc`) for scripts.
 *
 * ```ts
 * const api = createWeatherClient({ url: 'http://127.0.0.1:3000' });
 * const { stations, next_cursor } = pageOf(await api.stations.list.query({ limit: 50 }));
 * ```
 *
 * Only the router's *type* comes from `@weather/api`: at run time this package needs nothing but
 * `@trpc/client` (and `@trpc/server`'s observable). Failed calls throw a {@link WeatherClientError} whose message says what went
 * wrong (HTTP status, the API's `error` reason and message, or "cannot reach <url>: …").
 */

import {
  createTRPCClient,
  httpBatchLink,
  type TRPCClient,
  TRPCClientError,
  type TRPCLink,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import type { AppRouter } from '@weather/api';
import { MAX_BATCH_SIZE, MAX_URL_LENGTH } from '@weather/api/limits';

export type { AppRouter };
export { TRPCClientError };

/** Inputs of every procedure: `WeatherInputs['weather']['timeseries']`. */
export type WeatherInputs = inferRouterInputs<AppRouter>;
/** Outputs of every procedure: `WeatherOutputs['weather']['timeseries']`. */
export type WeatherOutputs = inferRouterOutputs<AppRouter>;

export type WeatherClient = TRPCClient<AppRouter>;

/** A fetch (the global one is): what tRPC's HTTP links take. */
export type WeatherFetch = NonNullable<Parameters<typeof httpBatchLink<AppRouter>>[0]['fetch']>;

/** Headers as a plain record. */
export type WeatherHeaders = Record<string, string>;

export interface WeatherClientOptions {
  /** Base URL of the web app, e.g. `http://127.0.0.1:3000` (http or https, no query or fragment). */
  url: string;
  /**
   * An API key (`wxk_…`, SPEC §15), sent as `authorization: Bearer <apiKey>`: needed for every
   * read when the server runs with PUBLIC_READ=false, and with an admin key for changes.
   */
  apiKey?: string;
  /** A fetch to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: WeatherFetch;
  /** Extra headers on every request, or a function giving them per request (apiKey wins). */
  headers?: WeatherHeaders | (() => WeatherHeaders | Promise<WeatherHeaders>);
}

type StationsAnswer = WeatherOutputs['stations']['list'];
type StationsPage = Extract<StationsAnswer, { next_cursor: unknown }>;

/**
 * `stations.list` answers an array when called without `limit` or `cursor` (the REST API's
 * shape for every station) and a page otherwise; this gives either as a page.
 */
export function pageOf(answer: StationsAnswer): StationsPage {
  return Array.isArray(answer) ? { stations: answer, next_cursor: null } : answer;
}

/** The web API's request bounds (calls per batch, URL length), which the client stays within. */
export { MAX_BATCH_SIZE, MAX_URL_LENGTH };

/** The path of the tRPC endpoint under the web app's base URL. */
export const TRPC_PATH = '/api/trpc';

/**
 * A failed call: the message says what failed and why, ready to print. `status` is the HTTP
 * status (absent when no answer came), `reason` the API's machine-readable `error` (or
 * `unreachable` / `aborted` when no answer came). Still a `TRPCClientError`, with its `data`,
 * `shape` and `cause`.
 */
export class WeatherClientError extends TRPCClientError<AppRouter> {
  override readonly name = 'WeatherClientError';
  /** The web app's base URL the client was made for. */
  readonly url: string;
  /** The procedure called, e.g. `weather.timeseries`. */
  readonly path: string | undefined;
  readonly status: number | undefined;
  readonly reason: string | undefined;

  constructor(
    message: string,
    opts: {
      url: string;
      path?: string | undefined;
      status?: number | undefined;
      reason?: string | undefined;
      /** The error tRPC raised, whose data, shape, cause and meta this one keeps. */
      from?: TRPCClientError<AppRouter>;
    },
  ) {
    const { from } = opts;
    super(message, {
      cause: from?.cause,
      meta: from?.meta,
      result: from?.shape ? { error: from.shape } : undefined,
    });
    // TRPCClientError resets the prototype to its own; keep this class's.
    Object.setPrototypeOf(this, new.target.prototype);
    this.url = opts.url;
    this.path = opts.path;
    this.status = opts.status;
    this.reason = opts.reason;
  }
}

/**
 * The base URL, checked: an absolute http(s) URL without query, fragment or credentials, and
 * without the `/api/trpc` path (which the client adds). Trailing slashes are dropped.
 */
export function parseBaseUrl(url: string): string {
  const fail = (why: string) =>
    new TypeError(`Invalid weather API url ${JSON.stringify(url)}: ${why}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw fail('not an absolute URL (expected e.g. http://127.0.0.1:3000)');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw fail(`must be http:// or https://, not ${parsed.protocol}//`);
  }
  if (/[?#]/.test(url)) throw fail('must not have a query (?…) or fragment (#…)');
  if (parsed.username || parsed.password) {
    throw fail('must not carry credentials; pass apiKey instead');
  }
  const base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  if (base.endsWith(TRPC_PATH)) {
    throw fail(`give the web app's base URL; ${TRPC_PATH} is added by the client`);
  }
  return base;
}

/** A client of the web app at `url`: `client.stations.list.query()`, fully typed. */
export function createWeatherClient(options: WeatherClientOptions): WeatherClient {
  const url = parseBaseUrl(options.url);
  const { apiKey, headers } = options;
  if (apiKey !== undefined && !/^[\x21-\x7e]+$/.test(apiKey)) {
    throw new TypeError(
      apiKey === ''
        ? 'Invalid apiKey: empty (leave it out when the API needs none)'
        : 'Invalid apiKey: only printable ASCII without spaces can go in a header',
    );
  }
  return createTRPCClient<AppRouter>({
    links: [
      clearErrorsLink(url),
      httpBatchLink({
        url: `${url}${TRPC_PATH}`,
        // As the dashboard's client: within the server's bounds, longer batches are split.
        maxItems: MAX_BATCH_SIZE,
        maxURLLength: MAX_URL_LENGTH,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        headers: async () => {
          const extra = (typeof headers === 'function' ? await headers() : headers) ?? {};
          if (apiKey === undefined) return extra;
          // The key wins over an authorization header of any spelling (never both, joined).
          const rest = Object.entries(extra).filter(
            ([name]) => name.toLowerCase() !== 'authorization',
          );
          return { ...Object.fromEntries(rest), authorization: `Bearer ${apiKey}` };
        },
      }),
    ],
  });
}

/** Turns every error of the links after it into a {@link WeatherClientError}. */
function clearErrorsLink(url: string): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) =>
        next(op).subscribe({
          next: (value) => observer.next(value),
          error: (error) => observer.error(toWeatherClientError(error, url, op.path)),
          complete: () => observer.complete(),
        }),
      );
}

/** A failed call as a {@link WeatherClientError} (one already is stays as it is). */
export function toWeatherClientError(
  error: TRPCClientError<AppRouter>,
  url: string,
  path = error.data?.path ?? undefined,
): WeatherClientError {
  if (error instanceof WeatherClientError) return error;
  const what = path ?? 'the call';
  const answer = answerOf(error);
  if (!answer) {
    const aborted = causes(error).some((e) => e.name === 'AbortError');
    return new WeatherClientError(
      aborted
        ? `${what}: the request to ${url} was aborted`
        : `cannot reach ${url}: ${networkDetail(error)}`,
      { url, path, reason: aborted ? 'aborted' : 'unreachable', from: error },
    );
  }
  const { status, reason } = answer;
  if (reason === 'not_trpc') {
    return new WeatherClientError(
      `${what} failed: ${url}${TRPC_PATH} did not answer with tRPC JSON (is ${url} the web app?): ${error.message}`,
      { url, path, reason, from: error },
    );
  }
  const head = [status === undefined ? undefined : `HTTP ${status}`, reason].filter(Boolean);
  // Without the API's error shape the answer came from something else (a wrong url, a proxy).
  const json = error.meta?.responseJSON;
  const message = error.data
    ? error.message
    : `${isObject(json) && typeof json.message === 'string' ? json.message : error.message} (not an answer of the tRPC API: is ${url} the web app?)`;
  return new WeatherClientError(
    `${what} failed${head.length ? ` (${head.join(', ')})` : ''}: ${message}`,
    { url, path, status, reason, from: error },
  );
}

/**
 * A message for any error a script may catch: a {@link WeatherClientError}'s own, a
 * `TRPCClientError` of another client explained the same way, else the error's message.
 */
export function describeClientError(error: unknown, url?: string): string {
  if (error instanceof WeatherClientError) return error.message;
  if (error instanceof TRPCClientError) {
    const trpcError: TRPCClientError<AppRouter> = error;
    return toWeatherClientError(trpcError, url ?? 'the weather API').message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * What the server answered, if it answered: the status and `error` reason from the tRPC error
 * shape (see the API's errorFormatter), or else from the HTTP response (e.g. a REST-style error
 * body from a proxy or a wrong path). Undefined when no answer came (the network failed).
 */
function answerOf(
  error: TRPCClientError<AppRouter>,
): { status: number | undefined; reason: string | undefined } | undefined {
  const response = error.meta?.response;
  const json = error.meta?.responseJSON;
  const status =
    error.data?.httpStatus ??
    (isObject(response) && typeof response.status === 'number' ? response.status : undefined);
  const reason =
    error.data?.error ??
    (isObject(json) && typeof json.error === 'string' ? json.error : undefined);
  if (error.data || status !== undefined) return { status, reason };
  // No response: a network failure, or an answer that was not JSON (a SyntaxError from parsing).
  if (causes(error).some((e) => e instanceof SyntaxError)) {
    return { status: undefined, reason: 'not_trpc' };
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The error and its causes, outermost first (AggregateError's errors included). */
function causes(error: unknown, depth = 0): Error[] {
  if (!(error instanceof Error) || depth > 8) return [];
  const inner = error instanceof AggregateError ? error.errors : [error.cause];
  return [error, ...inner.flatMap((e) => causes(e, depth + 1))];
}

/** Why a request got no answer, e.g. "fetch failed (connect ECONNREFUSED 127.0.0.1:3000)". */
function networkDetail(error: Error): string {
  const messages: string[] = [];
  for (const e of causes(error).slice(1)) {
    const code = 'code' in e && typeof e.code === 'string' ? e.code : undefined;
    const text = e.message || code;
    if (text && !messages.some((m) => m.includes(text))) {
      messages.push(code && !text.includes(code) ? `${text} [${code}]` : text);
    }
  }
  const [first, ...rest] = messages.length ? messages : [error.message || 'unknown error'];
  return rest.length ? `${first} (${rest.join('; ')})` : (first ?? 'unknown error');
}
