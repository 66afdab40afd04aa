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
export async function handleTrpc(
  req: Request,
  createContext: (resHeaders: ApiContext['resHeaders']) => ApiContext,
  endpoint: `/${string}` = '/api/trpc',
): Promise<Response> {
  // Every call of ours is JSON. Refusing other bodies keeps the one kind of POST a page of
  // another site can send without a CORS preflight (a form, multipart, text/plain) from
  // reaching a procedure at all; the Origin check stands behind this.
  const type = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (req.method === 'POST' && type !== 'application/json') {
    return Response.json(
      {
        error: 'unsupported_media_type',
        message: 'tRPC calls are JSON: send content-type: application/json',
      },
      { status: 415 },
    );
  }
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
