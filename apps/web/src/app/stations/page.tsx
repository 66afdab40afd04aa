import type { Metadata } from 'next';
import { StationsAdmin } from '@/components/stations/stations-admin';
import { CLI_EXAMPLE } from '@/lib/registry';
import { requireReader } from '@/server/access';
import { getQueryClient, HydrateClient, trpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Stations · Weather pipeline' };

/** The station registry (SPEC §12): anyone who may read sees it, admins change it (SPEC §15). */
export default async function StationsPage() {
  await requireReader('/stations');
  // Awaited, so the first HTML carries the tables and the browser's first render matches it.
  await getQueryClient().prefetchQuery(trpc.stations.registry.queryOptions());
  return (
    <main className="registry-page">
      <h1>Stations</h1>
      <p className="registry-intro">
        Every registered station and its ingest tokens. Admins register, edit and disable stations
        and issue and revoke tokens here; the same works from a shell with{' '}
        <code>npm run stations -- …</code>, for example:
      </p>
      <pre className="registry-cli">{CLI_EXAMPLE}</pre>
      <HydrateClient>
        <StationsAdmin />
      </HydrateClient>
    </main>
  );
}
