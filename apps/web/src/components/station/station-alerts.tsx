'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/trpc/react';
import { Moment } from '../admin/moment';
import { useViewer } from '../auth/use-viewer';

const LIVE_MS = 10_000;
const HOUR = 3_600_000;

/**
 * A station's alerts (SPEC §17): firing ones first, then its history; admins can silence the
 * station for an hour (maintenance: its alerts still change state, nothing is sent).
 */
export function StationAlerts({ stationId }: { stationId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { isAdmin } = useViewer();
  const history = useQuery(
    trpc.alerts.list.queryOptions(
      { station_id: stationId, limit: 20 },
      { refetchInterval: LIVE_MS },
    ),
  );
  const silences = useQuery(
    trpc.alerts.silences.queryOptions(undefined, { refetchInterval: LIVE_MS }),
  );
  const silence = useMutation(
    trpc.alerts.silenceStation.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.alerts.silences.queryKey() }),
    }),
  );
  const silencedUntil = silences.data?.find((s) => s.station_id === stationId)?.until ?? null;
  const now = history.dataUpdatedAt || Date.now();
  if (!history.data) return null;
  return (
    <section className="panel" aria-labelledby="station-alerts-title" data-testid="station-alerts">
      <div className="panel-head">
        <h2 id="station-alerts-title">Alerts</h2>
        <span className="muted">
          {silencedUntil ? (
            <>
              silenced until <Moment iso={silencedUntil} never="–" />{' '}
            </>
          ) : null}
          {isAdmin ? (
            <button
              type="button"
              className="button"
              disabled={silence.isPending}
              onClick={() =>
                silence.mutate({
                  station_id: stationId,
                  until: silencedUntil ? null : new Date(Date.now() + HOUR).toISOString(),
                })
              }
            >
              {silencedUntil ? 'Unsilence' : 'Silence 1 h'}
            </button>
          ) : null}{' '}
          <Link href="/alerts">All alerts</Link>
        </span>
      </div>
      {history.data.length === 0 ? (
        <p className="muted">No alert for this station yet.</p>
      ) : (
        <table className="gaps-table">
          <thead>
            <tr>
              <th>Rule</th>
              <th>State</th>
              <th>Fired</th>
              <th>Resolved</th>
            </tr>
          </thead>
          <tbody>
            {history.data.map((a) => (
              <tr key={a.id} data-testid="station-alert" data-state={a.state}>
                <td>{a.rule_name}</td>
                <td>
                  <span
                    className={`badge ${a.state === 'firing' ? 'badge-offline' : a.state === 'pending' ? 'badge-late' : 'badge-online'}`}
                  >
                    {a.state}
                  </span>
                </td>
                <td>
                  <Moment iso={a.fired_at} never="–" now={now} />
                </td>
                <td>
                  <Moment iso={a.resolved_at} never="–" now={now} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
