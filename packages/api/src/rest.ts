import { createOpenApiFetchHandler } from 'trpc-to-openapi';
import { appRouter } from './root';
import type { ApiContext } from './trpc';

/**
 * REST: the procedures that carry `meta.openapi`, served under `endpoint` at their OpenAPI paths.
 * trpc-to-openapi's fetch adapter is typed with `resHeaders` but runs its Node handler, which
 * passes `res`; the context gets whichever is there.
 */
export function handleRest(
  req: Request,
  createContext: (resHeaders: ApiContext['resHeaders']) => ApiContext,
  endpoint: `/${string}` = '/api',
) {
  return createOpenApiFetchHandler({
    endpoint,
    req,
    router: appRouter,
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
}
