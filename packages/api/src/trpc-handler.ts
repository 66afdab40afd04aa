import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { MAX_BATCH_SIZE } from './limits';
import { appRouter } from './root';
import type { ApiContext } from './trpc';

/**
 * tRPC over HTTP (fetch Request in, Response out) with the API's bounds: a batch of more than
 * MAX_BATCH_SIZE calls is refused with 400 before any call runs, so one request cannot fan out
 * into a thousand queries. A 405 (a query POSTed, a mutation asked with GET) says in `Allow`
 * what the procedure takes.
 */
export function handleTrpc(
  req: Request,
  createContext: (resHeaders: ApiContext['resHeaders']) => ApiContext,
  endpoint: `/${string}` = '/api/trpc',
): Promise<Response> {
  return fetchRequestHandler({
    endpoint,
    req,
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    responseMeta: ({ type, errors }) =>
      errors.some((e) => e.code === 'METHOD_NOT_SUPPORTED')
        ? { headers: { allow: type === 'mutation' ? 'POST' : 'GET' } }
        : {},
    createContext: ({ resHeaders }) => createContext(resHeaders),
  });
}
