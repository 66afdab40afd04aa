import type { Metadata } from 'next';
import { Suspense } from 'react';
import { StationSkeleton } from '@/components/station/station-skeleton';
import { StationView } from '@/components/station/station-view';
import { anchorFor, parseSelection, type Selection, stationQueries } from '@/lib/station-range';
import { requireReader } from '@/server/access';
import { getQueryClient, HydrateClient, trpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

interface StationPageProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

function stationIdOf(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export async function generateMetadata({ params }: StationPageProps): Promise<Metadata> {
  const stationId = stationIdOf((await params).id);
  // The page's own query (same request, same client): the page then reuses the answer.
  const station = await getQueryClient()
    .fetchQuery(stationQuery(stationId))
    .catch(() => null);
  const label = station?.name ? `${station.name} (${stationId})` : stationId;
  return { title: `${label} · Weather pipeline` };
}

const stationQuery = (stationId: string) =>
  trpc.stations.get.queryOptions({ station_id: stationId }, { retry: false });

/** A station over a time range: the shell streams at once, the data follows in the same response. */
export default async function StationPage({ params, searchParams }: StationPageProps) {
  const stationId = stationIdOf((await params).id);
  await requireReader(`/stations/${encodeURIComponent(stationId)}`);
  const selection = parseSelection(await searchParams);
  return (
    <main className="station-main">
      {/* Also the boundary that useSearchParams in the client view needs. */}
      <Suspense fallback={<StationSkeleton />}>
        <PrefetchedStation stationId={stationId} selection={selection} />
      </Suspense>
    </main>
  );
}

/**
 * Awaits the page's queries in-process so the first HTML already holds the figures and the
 * table, and the client hydrates from exactly that data (a still-pending prefetch may resolve
 * before hydration and make the client's first render differ from the server's). Failed queries
 * are not handed over; the client asks again and shows the error.
 */
async function PrefetchedStation({
  stationId,
  selection,
}: {
  stationId: string;
  selection: Selection;
}) {
  const anchor = anchorFor(Date.now());
  const queries = stationQueries(stationId, selection, anchor);
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.weather.aggregate.queryOptions(queries.aggregate)),
    queryClient.prefetchQuery(trpc.weather.timeseries.queryOptions(queries.timeseries)),
    queryClient.prefetchQuery(trpc.weather.readings.queryOptions(queries.readings())),
    queryClient.prefetchQuery(stationQuery(stationId)),
    queryClient.prefetchQuery(trpc.weather.lastUpload.queryOptions({ station_id: stationId })),
  ]);
  return (
    <HydrateClient>
      <StationView stationId={stationId} initialAnchor={anchor} />
    </HydrateClient>
  );
}
