'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/trpc/react';

/**
 * Who is looking (`auth.me`), for role-aware controls. The layout prefetches it, so the first
 * render already knows; until it does (or if it fails) nobody counts as an admin. The server
 * refuses a viewer's change whatever the page shows: this only hides what would be refused.
 */
export function useViewer() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  const user = me.data?.user ?? null;
  return {
    user,
    isAdmin: user?.role === 'admin',
    publicRead: me.data?.public_read ?? true,
    loading: me.isPending,
  };
}
