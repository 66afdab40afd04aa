import { HEALTH_STATES } from '@weather/core/health';
import { GeneratorPanel } from '@/components/overview/generator-panel';
import { Overview, TROUBLE } from '@/components/overview/overview';
import { requireReader } from '@/server/access';
import { getQueryClient, HydrateClient, trpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireReader('/');
  const { state } = await searchParams;
  // `?state=offline` (from the fleet strip) filters the stations table; anything else shows all.
  const selected = HEALTH_STATES.find((s) => s === state) ?? null;
  const queryClient = getQueryClient();
  // Awaited, so the first HTML carries the data and the browser's first render matches it.
  await Promise.all([
    queryClient.prefetchQuery(trpc.pipeline.status.queryOptions()),
    queryClient.prefetchQuery(trpc.stations.list.queryOptions()),
    queryClient.prefetchQuery(trpc.stations.health.queryOptions(TROUBLE)),
  ]);
  return (
    <main>
      <HydrateClient>
        <Overview generator={<GeneratorPanel />} selectedState={selected} />
      </HydrateClient>
    </main>
  );
}
