'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { formatNumber } from '@/lib/chart-data';
import { useTRPC } from '@/trpc/react';
import { errorMessage, retryUnlessClientError } from './query-errors';

type Period = 'day' | 'month';

/** The local time of day of an instant in the station's zone: "14:05". */
const localClock = (iso: string | null, timeZone: string) =>
  iso
    ? new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(
        Date.parse(iso),
      )
    : '';

/** The local date and time, for monthly extremes: "3 Jan 14:05". */
const localDayClock = (iso: string | null, timeZone: string) =>
  iso
    ? new Intl.DateTimeFormat('en-GB', {
        timeZone,
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
      }).format(Date.parse(iso))
    : '';

/**
 * The station's climate-style summaries (SPEC §14): per local day (the last 31) or month (the
 * last 12) in the station's own time zone, newest first, with a CSV of the same.
 */
export function SummariesPanel({ stationId }: { stationId: string }) {
  const trpc = useTRPC();
  const [period, setPeriod] = useState<Period>('day');
  const result = useQuery(
    trpc.weather.summaries.queryOptions(
      { station_id: stationId, period },
      { placeholderData: keepPreviousData, retry: retryUnlessClientError, refetchInterval: 60_000 },
    ),
  );
  const data = result.data;
  const zone = data?.timezone ?? 'UTC';
  const at = period === 'day' ? localClock : localDayClock;
  const rows = [...(data?.summaries ?? [])].reverse();
  const csv = `/api/weather/summaries/${encodeURIComponent(stationId)}?period=${period}&format=csv`;
  return (
    <section className="panel station-summaries" aria-labelledby="summaries-title">
      <div className="panel-head">
        <h2 id="summaries-title">{period === 'day' ? 'Daily' : 'Monthly'} summaries</h2>
        <span className="muted">
          Local time ({zone}) ·{' '}
          <fieldset className="segmented" aria-label="Summaries per">
            {(['day', 'month'] as const).map((p) => (
              <label key={p}>
                <input
                  type="radio"
                  name="summaries-period"
                  value={p}
                  checked={period === p}
                  onChange={() => setPeriod(p)}
                />{' '}
                {p === 'day' ? 'Days' : 'Months'}
              </label>
            ))}
          </fieldset>{' '}
          · <a href={csv}>CSV</a>
        </span>
      </div>
      {result.error ? (
        <p className="station-error-text" role="alert">
          Could not load the summaries: {errorMessage(result.error)}
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="station-table" data-testid="summaries-table">
          <thead>
            <tr>
              <th scope="col">{period === 'day' ? 'Day' : 'Month'}</th>
              <th scope="col">Low °C</th>
              <th scope="col">High °C</th>
              <th scope="col">Mean °C</th>
              <th scope="col">Rain mm</th>
              <th scope="col">Top gust m/s</th>
              <th scope="col">Complete</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={7} className="station-table-empty">
                  {result.isPending ? 'Loading…' : 'No readings in these days.'}
                </td>
              </tr>
            ) : (
              rows.map((s) => (
                <tr key={s.period} data-testid="summary-row">
                  <th scope="row">{s.period}</th>
                  <td>
                    {formatNumber('temperature', s.temperature.min)}{' '}
                    <span className="muted">{at(s.temperature.min_at, zone)}</span>
                  </td>
                  <td>
                    {formatNumber('temperature', s.temperature.max)}{' '}
                    <span className="muted">{at(s.temperature.max_at, zone)}</span>
                  </td>
                  <td>{formatNumber('temperature', s.temperature.mean)}</td>
                  <td>{formatNumber('precipitation', s.rain_total)}</td>
                  <td>
                    {formatNumber('wind_gust', s.gust.max)}{' '}
                    <span className="muted">
                      {s.gust.direction === null ? '' : `${Math.round(s.gust.direction)}°`}{' '}
                      {at(s.gust.at, zone)}
                    </span>
                  </td>
                  <td>
                    {s.completeness === null ? '–' : `${Math.round(s.completeness * 100)} %`}
                    {s.flagged > 0 ? (
                      <span className="qc-flagged" title="Values left out as doubtful (QC flags)">
                        {' '}
                        · {s.flagged} flagged
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
