import { initTRPC, TRPCError } from '@trpc/server';
import { type MiddlewareResult, middlewareMarker } from '@trpc/server/unstable-core-do-not-import';
import {
  type AccessLevel,
  type Principal,
  type RequestAccess,
  trustedAccess,
} from '@weather/auth/access';
import type { Logger } from '@weather/core/logger';
import { type Database, loggableError } from '@weather/db';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { z } from 'zod';
import type { QueryCache } from './cache';
import { ApiError, databaseFailure, describeError } from './errors';

export interface ApiContext {
  db: Database;
  cache: QueryCache;
  /** Headers of the HTTP response, when the call came over HTTP (REST or tRPC). */
  resHeaders?: { set(name: string, value: string): void };
  /** The call's "now" (epoch ms), where ranges without an end stop; by default when it starts. */
  now?: number;
  /**
   * Set by REST for a call whose finished response it caches whole itself: a procedure that
   * declares `wholeResponse` then skips its own entry (one cache lookup and write, not two).
   */
  cachedWhole?: boolean;
  logger?: Logger;
  /** Where the other parts listen, for health and controls on the dashboard. */
  collectorUrl?: string;
  consumerUrl?: string;
  generatorUrl?: string;
  queryUrl?: string;
  /** Sent to the generator and the consumer's `/stats` (CONTROL_TOKEN), when set. */
  controlToken?: string;
  /**
   * Who calls and from where (SPEC §15). Without it the caller is anonymous under
   * PUBLIC_READ=true: it may read, never change.
   */
  access?: RequestAccess;
  /** Tells collectors the registry changed (after a station or token change). */
  notifyRegistry?: () => Promise<void>;
}

/** What a procedure declares, read by the access table test: every procedure has one. */
export type ProcedureAccessMeta = { access?: AccessLevel };

/** Procedure meta: the REST view (`openapi`) and the caching a procedure declares with `cached`. */
export type ApiMeta = OpenApiMeta<{ cache?: CachePolicy } & ProcedureAccessMeta>;

// Clients get the code, status and `error` reason the dashboard and REST read, and a message
// that is ours: never a stack trace, a statement or its parameters (errors are logged here).
const t = initTRPC
  .context<ApiContext>()
  .meta<ApiMeta>()
  .create({
    isDev: false,
    errorFormatter: ({ shape, error }) => {
      const { body } = describeError(error);
      return {
        code: shape.code,
        message: body.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          error: body.error,
          ...(body.issues ? { issues: body.issues } : {}),
        },
      };
    },
  });

export const router = t.router;

/**
 * An output schema validated synchronously. tRPC validates outputs with `parseAsync`, which in
 * zod 4 skips the compiled (JIT) object parser: on a 288-bucket time series 3.5 ms instead of
 * 0.3 ms (bench, 2026-11). Our output schemas have no async checks, so the async entry point
 * can run the synchronous parse. The schema is otherwise untouched (OpenAPI reads it as is).
 */
export function syncOutput<T extends z.ZodType>(schema: T): T {
  schema.parseAsync = async (value, params) => schema.parse(value, params);
  return schema;
}
export const createCallerFactory = t.createCallerFactory;

/**
 * Every procedure: input that is not JSON is the client's error (400); a failed query is 503
 * while the database is unreachable or times out, 400 for a value it cannot represent, else a
 * logged 500 with a generic message. Database errors are logged by their code and the server's
 * own message, never the statement or its parameters.
 */
const baseProcedure = t.procedure.use(async ({ ctx, next, path, getRawInput }) => {
  try {
    await getRawInput();
  } catch (cause) {
    throw new ApiError({
      code: 'PARSE_ERROR',
      reason: 'malformed_input',
      message: 'The input is not valid JSON',
      cause,
    });
  }
  const result = await next();
  if (
    result.ok ||
    result.error.cause instanceof TRPCError ||
    result.error.code !== 'INTERNAL_SERVER_ERROR'
  ) {
    return result;
  }
  const cause = result.error.cause ?? result.error;
  const failure = databaseFailure(cause);
  if (!failure) {
    // Never the error itself: a failed statement's message carries its parameters.
    ctx.logger?.error({ err: loggableError(cause), path }, 'query failed');
    return result;
  }
  const { info, error } = failure;
  const log = { path, db: { code: info.code, message: info.message } };
  if (error.code === 'INTERNAL_SERVER_ERROR') ctx.logger?.error(log, 'query failed');
  else ctx.logger?.warn(log, `query failed: ${error.reason}`);
  throw error;
});

const ANONYMOUS: RequestAccess = { ...trustedAccess(null), sameOrigin: false };

/**
 * The caller, or the refusal: credentials that were presented and refused are a 401 whatever
 * the procedure (a wrong API key is told so, not served as anonymous).
 */
async function callerOf(access: RequestAccess): Promise<Principal | null> {
  const { principal, failure } = await access.identify();
  if (failure) {
    throw new ApiError({ code: 'UNAUTHORIZED', reason: failure.error, message: failure.message });
  }
  return principal;
}

const signInRequired = () =>
  new ApiError({
    code: 'UNAUTHORIZED',
    reason: 'sign_in_required',
    message: 'Sign in, or send an API key as Authorization: Bearer <key>',
  });

/** Anyone, signed in or not (whoami, health): declares `access: 'public'`. */
export const publicProcedure = baseProcedure.meta({ access: 'public' });

/**
 * Reads: anyone while PUBLIC_READ=true (credentials are checked only when presented), else a
 * session or an API key of either role.
 */
/**
 * The reader rule, for procedures and for REST (which applies it before its cache): anyone
 * while PUBLIC_READ=true (credentials are checked only when presented), else a session or an
 * API key of either role. Throws the 401 to answer.
 */
export async function readerOf(access: RequestAccess): Promise<Principal | null | undefined> {
  if (access.publicRead && !access.presentsCredentials) return undefined;
  const principal = await callerOf(access);
  if (!principal && !access.publicRead) throw signInRequired();
  return principal;
}

/** Reads: the reader rule (`readerOf`). */
export const viewerProcedure = baseProcedure
  .meta({ access: 'viewer' })
  .use(async ({ ctx, next }) => {
    const principal = await readerOf(ctx.access ?? ANONYMOUS);
    return principal === undefined ? next() : next({ ctx: { principal } });
  });

/**
 * Changes, and reads only admins may make: an admin session or an admin API key. A session's
 * change must come from a page of ours (its Origin), so another site cannot make one with the
 * visitor's cookie.
 */
export const adminProcedure = baseProcedure
  .meta({ access: 'admin' })
  .use(async ({ ctx, type, next }) => {
    const access = ctx.access ?? ANONYMOUS;
    const principal = await callerOf(access);
    if (!principal) throw signInRequired();
    if (principal.role !== 'admin') {
      throw new ApiError({
        code: 'FORBIDDEN',
        reason: 'admin_required',
        message: 'Only an admin may do this',
      });
    }
    if (principal.kind === 'session' && type === 'mutation' && !access.sameOrigin) {
      throw new ApiError({
        code: 'FORBIDDEN',
        reason: 'cross_site_request',
        message: 'Refused: the request did not come from a page of this dashboard (Origin)',
      });
    }
    return next({ ctx: { principal } });
  });

/** What tells one call's cached answer from another's, and how long it may be kept. */
export interface CacheEntry {
  params: unknown;
  ttlSeconds: number;
}

/** How a procedure's answers are cached: declared with `cached(...)`, read by REST from meta. */
export interface CachePolicy<TInput = never> {
  /** Operation name, part of the key. */
  op: string;
  /**
   * The input field (in REST a path parameter) naming the station whose version guards the
   * entry; without it, the stations list's version does.
   */
  station?: keyof TInput & string;
  /** The entry of a call: fixed, or from its input and `now` (throwing refuses the call). */
  entry: CacheEntry | ((input: TInput, now: number) => CacheEntry);
  /** REST keeps the finished response body too: a hit skips output validation, serialisation. */
  wholeResponse?: boolean;
}

/**
 * The entry of a call with this input. tRPC types inputs per procedure only; a policy's entry
 * takes the query function its resolver calls with the typed input, which keeps the two in step.
 */
export function cacheEntryOf(policy: CachePolicy, input: unknown, now: number): CacheEntry {
  return typeof policy.entry === 'function' ? policy.entry(input as never, now) : policy.entry;
}

/**
 * Declares a procedure cached: `.input(...).output(...).concat(cached(policy)).query(...)`. Its
 * answers are kept in the query cache under `policy`, each response says where its answer came
 * from (`x-cache: hit|miss`), and a hit skips the resolver. The call's `now` is pinned first, so
 * the entry and the resolver that runs on a miss agree on ranges that end "now".
 */
export function cached<TInput>(policy: CachePolicy<TInput>) {
  return t.procedure.meta({ cache: policy }).use(async ({ ctx, input, next }) => {
    const now = ctx.now ?? Date.now();
    const { params, ttlSeconds } = cacheEntryOf(policy, input, now);
    if (ctx.cachedWhole && policy.wholeResponse) return next({ ctx: { now } });
    const stationId = policy.station && String((input as TInput)[policy.station]);
    const { value, status } = await ctx.cache.get(
      { op: policy.op, stationId, params, ttlSeconds },
      async () => {
        const result = await next({ ctx: { now } });
        if (!result.ok) throw result.error;
        return result.data;
      },
    );
    ctx.resHeaders?.set('x-cache', status);
    // Answers for the resolver, as its own result would (tRPC has no public constructor for it).
    const answer: MiddlewareResult<{ now: number }> = {
      marker: middlewareMarker,
      ok: true,
      data: value,
    };
    return answer;
  });
}

export const badRequest = (message: string) => new TRPCError({ code: 'BAD_REQUEST', message });
export const notFound = (message: string) => new TRPCError({ code: 'NOT_FOUND', message });
