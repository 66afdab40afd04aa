'use client';

import { useQuery } from '@tanstack/react-query';
import type { HealthState } from '@weather/core/health';
import { localUrl } from '@weather/core/services';
import Link from 'next/link';
import { type ReactNode, useMemo } from 'react';
import { useTRPC } from '@/trpc/react';
import { FleetStrip } from './fleet-strip';
import { HealthPanel } from './health-panel';
import { PipelinePanel } from './pipeline-panel';
import { StationsTable } from './stations-table';

const LIVE_MS = 5000;

/**
 * The fleet health the overview asks for: every state's count, and the stations that are not
 * online (a short list in a healthy fleet; the table takes the rest as online).
 */
export const TROUBLE = { state: ['late', 'offline', 'never_seen'] } satisfies {
  state: HealthState[];
};

/**
 * The overview: service health, pipeline figures, the fleet's states, generator controls and the
 * live stations table (filtered to `selectedState` when the fleet strip chose one).
 */
export function Overview({
  generator,
  selectedState = null,
}: {
  generator?: ReactNode;
  selectedState?: HealthState | null;
}) {
  const trpc = useTRPC();
  const fleet = useQuery(trpc.stations.health.queryOptions(TROUBLE, { refetchInterval: LIVE_MS }));
  const firing = useQuery(
    trpc.alerts.list.queryOptions({ states: ['firing'] }, { refetchInterval: LIVE_MS }),
  );
  const states = useMemo(
    () =>
      new Map<string, HealthState>(
        (fleet.data?.stations ?? []).map((s) => [s.station_id, s.state]),
      ),
    [fleet.data],
  );
  const status = useQuery(
    trpc.pipeline.status.queryOptions(undefined, { refetchInterval: LIVE_MS }),
  );
  // Without paging input the answer is every station as an array (the REST API's shape).
  const stations = useQuery(
    trpc.stations.list.queryOptions(undefined, {
      refetchInterval: LIVE_MS,
      select: (answer) => (Array.isArray(answer) ? answer : answer.stations),
    }),
  );
  const sparklines = useQuery(
    trpc.stations.sparklines.queryOptions(undefined, { refetchInterval: 10_000 }),
  );
  const now = status.dataUpdatedAt || Date.now();

  return (
    <div className="overview">
      {status.data ? (
        <>
          <HealthPanel services={status.data.services} />
          <PipelinePanel consumer={status.data.consumer} stored={status.data.stored} />
        </>
      ) : status.error ? (
        <ErrorPanel title="Health" message={status.error.message} />
      ) : (
        <div className="panel skeleton" style={{ height: 320 }} aria-busy="true" />
      )}
      {fleet.data ? (
        <FleetStrip
          counts={fleet.data.counts}
          selected={selectedState}
          firing={firing.data?.length}
        />
      ) : null}
      {generator}
      {stations.data ? (
        stations.data.length === 0 ? (
          <EmptyStations now={now} />
        ) : (
          <StationsTable
            stations={stations.data}
            states={fleet.data ? states : null}
            selectedState={selectedState}
            sparklines={
              new Map(
                (sparklines.data ?? []).map((l) => [
                  l.station_id,
                  l.points.map((p) => p.temperature),
                ]),
              )
            }
            now={now}
          />
        )
      ) : stations.error ? (
        <ErrorPanel
          title="Stations"
          message={`Could not load stations: ${stations.error.message}`}
        />
      ) : (
        <div className="panel skeleton" style={{ height: 240 }} aria-busy="true" />
      )}
    </div>
  );
}

function ErrorPanel({ title, message }: { title: string; message: string }) {
  return (
    <section className="panel panel-error" role="alert">
      <h2>{title}</h2>
      <p>{message}</p>
    </section>
  );
}

function EmptyStations({ now }: { now: number }) {
  return (
    <section className="panel empty" data-testid="empty-state" aria-labelledby="empty-title">
      <h2 id="empty-title">No stations yet</h2>
      <p>
        Nothing has reported so far. Start the simulator with the <strong>Generator</strong>{' '}
        controls above, or register a station on the <Link href="/stations">stations page</Link> and
        send a reading with its token:
      </p>
      <pre>
        {`curl -X POST ${localUrl('collector')}/weather-data -H 'content-type: application/json' \\
  -H 'Authorization: Bearer <station token>' \\
  -d '{"station_id":"ST-001","timestamp":"${new Date(now).toISOString().slice(0, 19)}Z","temperature":12.5}'`}
      </pre>
    </section>
  );
}
