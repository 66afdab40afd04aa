'use client';

import type { HealthState } from '@weather/core/health';
import { MEASUREMENTS, type Measurement } from '@weather/core/measurements';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { headlineFor } from '@/lib/catalogue';
import { formatValue } from '@/lib/chart-data';
import { isStale, relativeTime } from '@/lib/format';
import { STATE_LABELS } from '@/lib/health';
import { Sparkline } from './sparkline';

type Latest = Record<Measurement, number | boolean | null> | null;

export interface StationRow {
  station_id: string;
  name: string | null;
  /** Null until the station first reports. */
  last_seen: string | null;
  latest: Latest;
}

type SortKey = 'station' | 'last_seen' | Measurement;

/** The measurement columns, from the catalogue's headline values. */
const HEADLINE = headlineFor(MEASUREMENTS);

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'station', label: 'Station' },
  { key: 'last_seen', label: 'Last seen' },
  ...HEADLINE.map(({ name, label }) => ({ key: name, label })),
];

/** What a row is known by: its name, else its id. */
const labelOf = (row: StationRow) => row.name ?? row.station_id;

function sortValue(row: StationRow, key: SortKey): string | number {
  // By the label shown, so named and unnamed stations interleave as they read.
  if (key === 'station') return labelOf(row).toLowerCase();
  // ISO times sort as text; a station never seen sorts before every time.
  if (key === 'last_seen') return row.last_seen ?? '';
  const value = row.latest?.[key] ?? Number.NEGATIVE_INFINITY;
  return typeof value === 'boolean' ? Number(value) : value;
}

/** Every station with its newest values; sortable, filterable; stale stations marked. */
export function StationsTable({
  stations,
  states,
  selectedState = null,
  sparklines,
  now,
}: {
  stations: StationRow[];
  /**
   * The state of every station that is not online (fleet health); null until it is known, when
   * a station silent for long is marked stale instead.
   */
  states: ReadonlyMap<string, HealthState> | null;
  /** Only stations in this state. */
  selectedState?: HealthState | null;
  sparklines: Map<string, (number | null)[]>;
  now: number;
}) {
  const stateOf = (s: StationRow): HealthState => states?.get(s.station_id) ?? 'online';
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: 'station', dir: 1 });
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return stations
      .filter(
        (s) =>
          !selectedState || !states || (states.get(s.station_id) ?? 'online') === selectedState,
      )
      .filter(
        (s) =>
          !needle ||
          s.station_id.toLowerCase().includes(needle) ||
          (s.name ?? '').toLowerCase().includes(needle),
      )
      .sort((a, b) => {
        const x = sortValue(a, sort.key);
        const y = sortValue(b, sort.key);
        return (x < y ? -1 : x > y ? 1 : 0) * sort.dir;
      });
  }, [stations, filter, sort, states, selectedState]);

  return (
    <section className="panel" id="stations" aria-labelledby="stations-title">
      <div className="panel-head">
        <h2 id="stations-title">
          Stations
          {selectedState ? (
            <span className="muted">
              {' '}
              · {STATE_LABELS[selectedState]} <Link href="/#stations">show all</Link>
            </span>
          ) : null}
        </h2>
        <label className="filter">
          <span className="visually-hidden">Filter stations</span>
          <input
            type="search"
            placeholder="Filter by id or name"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            data-testid="stations-filter"
          />
        </label>
      </div>
      <div className="table-scroll">
        <table className="stations-table" data-testid="stations-table">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th
                  key={c.key}
                  aria-sort={
                    sort.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'
                  }
                >
                  <button
                    type="button"
                    onClick={() =>
                      setSort((s) => ({
                        key: c.key,
                        dir: s.key === c.key ? (s.dir === 1 ? -1 : 1) : 1,
                      }))
                    }
                  >
                    {c.label}
                    <span aria-hidden="true">
                      {sort.key === c.key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
                    </span>
                  </button>
                </th>
              ))}
              <th>Last hour</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => {
              const state = states ? stateOf(s) : null;
              const stale = state ? state !== 'online' : isStale(s.last_seen, now);
              return (
                <tr
                  key={s.station_id}
                  data-testid="station-row"
                  data-state={state ?? undefined}
                  className={stale ? 'row-stale' : undefined}
                >
                  <td>
                    <Link href={`/stations/${encodeURIComponent(s.station_id)}`}>{labelOf(s)}</Link>
                    {s.name && <span className="muted station-cell-id"> {s.station_id}</span>}
                    {state && state !== 'online' ? (
                      <span className={`badge badge-${state}`}>{STATE_LABELS[state]}</span>
                    ) : stale ? (
                      <span className="badge badge-stale">stale</span>
                    ) : null}
                  </td>
                  {s.last_seen ? (
                    <td title={s.last_seen}>{relativeTime(s.last_seen, now)}</td>
                  ) : (
                    <td className="muted">never</td>
                  )}
                  {HEADLINE.map((column) => {
                    const value = s.latest?.[column.name] ?? null;
                    const beside = column.with ? (s.latest?.[column.with] ?? null) : null;
                    return (
                      <td key={column.name}>
                        {value !== null ? formatValue(column.name, value) : '–'}
                        {column.with && beside !== null && (
                          <span className="muted"> {formatValue(column.with, beside)}</span>
                        )}
                      </td>
                    );
                  })}
                  <td>
                    <Sparkline
                      values={sparklines.get(s.station_id) ?? []}
                      label={`Temperature over the last hour of ${labelOf(s)}`}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {rows.length === 0 && (
          <p className="muted empty-filter">
            {filter ? `No station matches “${filter}”.` : 'No station is in this state.'}
          </p>
        )}
      </div>
    </section>
  );
}
