'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { MEASUREMENT_NAMES } from '@weather/core/measurements';
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { measurementsPresent } from '@/lib/catalogue';
import { formatClock, formatDay } from '@/lib/chart-data';
import {
  anchorFor,
  parseSelection,
  RANGE_PRESETS,
  type Selection,
  selectionToParams,
  stationQueries,
} from '@/lib/station-range';
import { useTRPC } from '@/trpc/react';
import { AggregatePanel, AggregateSkeleton } from './aggregate-panel';
import { StationHealthPanel } from './health-panel';
import { LastUpload } from './last-upload';
import { QcPanel } from './qc-panel';
import { errorMessage, isNotFound, type QueryError, retryUnlessClientError } from './query-errors';
import { ReadingsTable } from './readings-table';
import { StationAlerts } from './station-alerts';
import { StationCharts, StationChartsSkeleton } from './station-charts';
import { StationControls } from './station-controls';
import { StationHeader } from './station-header';
import { SummariesPanel } from './summaries-panel';

const LIVE_MS = 10_000;

export interface StationViewProps {
  stationId: string;
  /** The server's rounded "now", so the first client render asks for what the server prefetched. */
  initialAnchor: number;
}

/** The station page: pickers, figures, charts and raw readings of one station over a range. */
export function StationView({ stationId, initialAnchor }: StationViewProps) {
  const trpc = useTRPC();
  const pathname = usePathname();
  const [selection, select] = useUrlSelection(pathname);
  const anchor = useAnchor(initialAnchor);
  const queries = stationQueries(stationId, selection, anchor);
  const { range } = queries;

  const options = {
    refetchInterval: range.live ? LIVE_MS : false,
    // Keep the last answer on screen while a new range or the next poll loads.
    placeholderData: keepPreviousData,
    retry: retryUnlessClientError,
  } as const;
  // Flagged values are left out of figures and chart lines unless asked for (SPEC §14).
  const [includeFlagged, setIncludeFlagged] = useState(false);
  const figures = includeFlagged ? { include_flagged: true } : {};
  const aggregate = useQuery(
    trpc.weather.aggregate.queryOptions({ ...queries.aggregate, ...figures }, options),
  );
  const series = useQuery(
    trpc.weather.timeseries.queryOptions({ ...queries.timeseries, ...figures }, options),
  );
  const flags = useQuery(trpc.weather.flags.queryOptions(queries.flags, options));
  // The registry entry with the newest reading: header, place, and the empty range's hint.
  const station = useQuery(
    trpc.stations.get.queryOptions(
      { station_id: stationId },
      { refetchInterval: LIVE_MS, retry: retryUnlessClientError },
    ),
  );
  // The newest raw upload, for stations that send with station firmware (SPEC §13).
  const lastUpload = useQuery(
    trpc.weather.lastUpload.queryOptions(
      { station_id: stationId },
      { refetchInterval: LIVE_MS, retry: retryUnlessClientError },
    ),
  );
  // Its state, completeness per local day and gaps (SPEC §17), over the last week.
  const health = useQuery(
    trpc.stations.stationHealth.queryOptions(
      { station_id: stationId },
      { refetchInterval: LIVE_MS, retry: retryUnlessClientError },
    ),
  );
  const latest = station.data?.latest ?? null;
  const lastReading = latest?.timestamp ?? null;
  // Charts and figures only for what the station sends: what the range or its newest reading has.
  const buckets = series.data?.buckets;
  const present = useMemo(
    () => measurementsPresent(MEASUREMENT_NAMES, buckets ?? [], latest),
    [buckets, latest],
  );

  if (isNotFound(station.error) || isNotFound(aggregate.error) || isNotFound(series.error)) {
    return <UnknownStation stationId={stationId} />;
  }

  const rangeTitle =
    selection.range === 'custom' ? 'Custom range' : RANGE_PRESETS[selection.range].label;
  const at = (t: number) => `${formatDay(t)} ${formatClock(t)} UTC`;
  const span = `${at(range.startMs)} – ${range.live ? 'now' : at(range.endMs)}`;
  const empty = series.data && series.data.buckets.length === 0 && !series.isPlaceholderData;

  return (
    <div className="station-page">
      <StationHeader stationId={stationId} station={station.data} />
      <StationControls
        stationId={stationId}
        selection={selection}
        range={range}
        shownInterval={series.data?.interval}
        updating={series.isPlaceholderData || aggregate.isPlaceholderData}
        onChange={select}
      />
      {aggregate.data ? (
        <AggregatePanel
          aggregate={aggregate.data}
          present={present}
          title={rangeTitle}
          span={span}
          includeFlagged={includeFlagged}
        />
      ) : aggregate.error ? (
        <ErrorPanel what="the figures for this range" error={aggregate.error} />
      ) : (
        <AggregateSkeleton />
      )}
      {series.error ? (
        <ErrorPanel what="the charts" error={series.error} />
      ) : empty ? (
        <EmptyRange lastReading={lastReading} />
      ) : series.data ? (
        <StationCharts
          series={series.data}
          present={present}
          flags={includeFlagged ? [] : flags.data?.flags}
        />
      ) : (
        <StationChartsSkeleton present={present} />
      )}
      <QcPanel
        result={flags.data}
        error={flags.error}
        includeFlagged={includeFlagged}
        onIncludeFlagged={setIncludeFlagged}
      />
      <SummariesPanel stationId={stationId} />
      <StationHealthPanel
        health={health.data}
        error={health.error}
        now={health.dataUpdatedAt || anchor}
      />
      <StationAlerts stationId={stationId} />
      <LastUpload result={lastUpload.data} error={lastUpload.error} />
      <ReadingsTable
        present={present}
        rangeKey={JSON.stringify(selection)}
        queries={queries}
        refetchInterval={options.refetchInterval}
      />
    </div>
  );
}

/**
 * The selection, kept in the URL's search params. It is also held in state so a picker shows
 * its new value at once: the URL change reaches useSearchParams a moment later. Changes of the
 * URL from outside (back/forward) replace it. The native history API is used because it updates
 * useSearchParams without a server round trip, while the client queries fetch the new range.
 */
function useUrlSelection(pathname: string): [Selection, (next: Selection) => void] {
  const searchParams = useSearchParams();
  const fromUrl = parseSelection(searchParams);
  const urlKey = selectionToParams(fromUrl).toString();
  // `seen` is the URL the selection last followed; only a different URL replaces the selection.
  const [state, setState] = useState({ seen: urlKey, selection: fromUrl });
  if (state.seen !== urlKey) setState({ seen: urlKey, selection: fromUrl });

  const select = useCallback(
    (next: Selection) => {
      const query = selectionToParams(next).toString();
      setState((current) => ({ seen: current.seen, selection: next }));
      window.history.replaceState(null, '', query ? `${pathname}?${query}` : pathname);
    },
    [pathname],
  );
  return [state.selection, select];
}

/** "Now" rounded to the minute, moving while the page is open; a new value moves live ranges. */
function useAnchor(initial: number): number {
  const [anchor, setAnchor] = useState(initial);
  useEffect(() => {
    const timer = setInterval(() => setAnchor(anchorFor(Date.now())), LIVE_MS);
    return () => clearInterval(timer);
  }, []);
  return anchor;
}

function ErrorPanel({ what, error }: { what: string; error: QueryError }) {
  return (
    <section className="panel panel-error station-error" role="alert">
      <h2>Could not load {what}</h2>
      <p>{errorMessage(error)}</p>
    </section>
  );
}

function EmptyRange({ lastReading }: { lastReading: string | null }) {
  return (
    <section className="panel station-empty" data-testid="empty-range">
      <h2>No readings in this range</h2>
      <p className="muted">
        {lastReading
          ? `The station's last reading was at ${formatDay(Date.parse(lastReading))} ${formatClock(Date.parse(lastReading))} UTC. Choose a range that includes it, or a longer one.`
          : 'This station has not stored any readings yet. Once it sends data, it appears here within seconds.'}
      </p>
    </section>
  );
}

function UnknownStation({ stationId }: { stationId: string }) {
  return (
    <section className="panel panel-error station-unknown" role="alert">
      <h1>Unknown station</h1>
      <p>
        There is no station “{stationId}”. It is not registered (see{' '}
        <Link href="/stations">Stations</Link>), or the link is mistyped.
      </p>
      <p>
        <Link href="/">← Back to all stations</Link>
      </p>
    </section>
  );
}
