import 'server-only';
import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { appRouter } from '@weather/api';
import { cache, type ReactNode } from 'react';
import { pageHeaders } from '@/server/access';
import { createContext } from '@/server/context';
import { makeQueryClient } from './query-client';

/** One query client per server request. */
export const getQueryClient = cache(makeQueryClient);

/** tRPC called in-process from server components, filling the request's query client. */
export const trpc = createTRPCOptionsProxy({
  // As the signed-in user (or the anonymous visitor) whose page this is.
  ctx: async () => createContext(await pageHeaders()),
  router: appRouter,
  queryClient: getQueryClient,
});

/** Hands the server-prefetched queries to the client components below. */
export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
