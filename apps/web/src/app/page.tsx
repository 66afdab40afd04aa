import { GeneratorPanel } from '@/components/overview/generator-panel';
import { Overview } from '@/components/overview/overview';
import { requireReader } from '@/server/access';
import { getQueryClient, HydrateClient, trpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

export default async function OverviewPage() {
  await requireReader('/');
  const queryClient = getQueryClient();
  // Awaited, so the first HTML carries the data and the browser's first render matches it.
  await Promise.all([
    queryClient.prefetchQuery(trpc.pipeline.status.queryOptions()),
    queryClient.prefetchQuery(trpc.stations.list.queryOptions()),
  ]);
  return (
    <main>
      <HydrateClient>
        <Overview generator={<GeneratorPanel />} />
      </HydrateClient>
    </main>
  );
}
