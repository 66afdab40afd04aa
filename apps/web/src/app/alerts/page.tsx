import type { Metadata } from 'next';
import { AlertsView } from '@/components/alerts/alerts-view';
import { requireReader } from '@/server/access';
import { getQueryClient, HydrateClient, trpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Alerts · Weather pipeline' };

/** Alerts (SPEC §17): what is firing, the rules; admins also manage rules and webhooks. */
export default async function AlertsPage() {
  await requireReader('/alerts');
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.alerts.list.queryOptions({})),
    queryClient.prefetchQuery(trpc.alerts.rules.queryOptions()),
  ]);
  return (
    <main className="admin-page">
      <h1>Alerts</h1>
      <p className="registry-intro">
        Rules watch the stations — offline, a measurement past a value for a while, a low battery —
        and notify webhooks when an alert fires and when it resolves. See the README’s “Alerts” for
        the payload and how to check its signature.
      </p>
      <HydrateClient>
        <AlertsView />
      </HydrateClient>
    </main>
  );
}
