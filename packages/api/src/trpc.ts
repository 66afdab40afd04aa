import { initTRPC, TRPCError } from '@trpc/server';
import type { Logger } from '@weather/core/logger';
import type { Database } from '@weather/db';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { CacheStatus, QueryCache } from './cache';

export interface ApiContext {
  db: Database;
  cache: QueryCache;
  /** Headers of the HTTP response, when the call came over HTTP (REST or tRPC). */
  resHeaders?: { set(name: string, value: string): void };
  logger?: Logger;
  /** Where the other parts listen, for health and controls on the dashboard. */
  collectorUrl?: string;
  consumerUrl?: string;
  generatorUrl?: string;
}

// Never send stack traces to clients; errors are logged server-side.
const t = initTRPC.context<ApiContext>().meta<OpenApiMeta>().create({ isDev: false });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Every procedure: errors that are not ours become a logged 500 with a generic message. */
export const publicProcedure = t.procedure.use(async ({ ctx, next, path }) => {
  const result = await next();
  if (
    !result.ok &&
    !(result.error.cause instanceof TRPCError) &&
    result.error.code === 'INTERNAL_SERVER_ERROR'
  ) {
    ctx.logger?.error({ err: result.error.cause ?? result.error, path }, 'query failed');
  }
  return result;
});

/** Reports where an answer came from (`x-cache: hit|miss`) when there is an HTTP response. */
export function markCache(ctx: ApiContext, status: CacheStatus) {
  ctx.resHeaders?.set('x-cache', status);
}

export const badRequest = (message: string) => new TRPCError({ code: 'BAD_REQUEST', message });
export const notFound = (message: string) => new TRPCError({ code: 'NOT_FOUND', message });
