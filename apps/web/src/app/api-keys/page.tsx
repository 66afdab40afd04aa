import type { Metadata } from 'next';
import { ApiKeysAdmin } from '@/components/api-keys/api-keys-admin';
import { requireAdmin } from '@/server/access';
import { getQueryClient, HydrateClient, trpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'API keys · Weather pipeline' };

/** Keys for scripts that call the APIs (SPEC §15). Admins only. */
export default async function ApiKeysPage() {
  await requireAdmin('/api-keys');
  await getQueryClient().prefetchQuery(trpc.apiKeys.list.queryOptions());
  return (
    <main className="admin-page">
      <h1>API keys</h1>
      <p className="registry-intro">
        A key lets a script call the web API and the query service with{' '}
        <code>Authorization: Bearer &lt;key&gt;</code>, as a viewer (reads) or an admin (changes
        too). Keys cannot ingest readings: stations send with their own ingest tokens.
      </p>
      <HydrateClient>
        <ApiKeysAdmin />
      </HydrateClient>
    </main>
  );
}
