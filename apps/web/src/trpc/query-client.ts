import { defaultShouldDehydrateQuery, QueryClient } from '@tanstack/react-query';

/** One configuration for the server (prefetch) and the browser. */
export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Server-prefetched data stays fresh long enough not to refetch on hydration.
        staleTime: 5_000,
        // Live views poll; keep the last good data on screen while a refetch fails.
        refetchOnWindowFocus: true,
        retry: 1,
      },
      dehydrate: {
        shouldDehydrateQuery: (query) =>
          defaultShouldDehydrateQuery(query) || query.state.status === 'pending',
      },
    },
  });
}
