'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { formatDateTime } from '@/lib/chart-data';
import { formatUtcMinute, relativeTime } from '@/lib/format';
import {
  CLI_EXAMPLE,
  type CredentialRow,
  credentialRows,
  type Registry,
  stationsPerGateway,
  tokenSummary,
} from '@/lib/registry';
import { useTRPC } from '@/trpc/react';

/** Last-seen and last-used times move; the page follows them without a reload. */
const REFRESH_MS = 10_000;

/** The registry, read-only: stations, their ingest credentials, and gateways. */
export function StationsAdmin() {
  const trpc = useTRPC();
  const registry = useQuery(
    trpc.stations.registry.queryOptions(undefined, { refetchInterval: REFRESH_MS }),
  );
  // "5 min ago" against the time of the answer: the server's render and the browser's agree.
  const now = registry.dataUpdatedAt || Date.now();

  if (registry.data) {
    if (registry.data.stations.length === 0 && registry.data.gateways.length === 0) {
      return <EmptyRegistry />;
    }
    return (
      <div className="registry">
        <StationsPanel registry={registry.data} now={now} />
        <CredentialsPanel rows={credentialRows(registry.data)} now={now} />
        <GatewaysPanel registry={registry.data} />
      </div>
    );
  }
  if (registry.error) {
    return (
      <section className="panel panel-error" role="alert">
        <h2>Could not load the registry</h2>
        <p>{registry.error.message}</p>
      </section>
    );
  }
  return (
    <div className="registry" aria-busy="true">
      <div className="panel skeleton" style={{ height: 240 }} />
      <div className="panel skeleton" style={{ height: 160 }} />
    </div>
  );
}

function StationsPanel({ registry, now }: { registry: Registry; now: number }) {
  return (
    <RegistryTable
      id="registry-stations-title"
      title="Registered stations"
      aside={
        <>
          {registry.stations.length} station{registry.stations.length === 1 ? '' : 's'}
        </>
      }
      rows={registry.stations.length}
      empty="No station is registered yet."
      testId="registry-stations"
      columns={[
        'Station',
        'Gateway',
        'Time zone',
        'Tags',
        'State',
        'First seen',
        'Last seen',
        'Tokens',
      ]}
    >
      {registry.stations.map((s) => (
        <tr key={s.station_id} data-testid="registry-station">
          <th scope="row">
            <Link href={`/stations/${encodeURIComponent(s.station_id)}`}>
              {s.name ?? s.station_id}
            </Link>
            {s.name && <span className="muted station-cell-id"> {s.station_id}</span>}
          </th>
          <td>{s.gateway_id ?? <span className="muted">–</span>}</td>
          <td>{s.timezone}</td>
          <td className="registry-tags">
            {s.tags.length > 0 ? (
              s.tags.map((tag) => (
                <span key={tag} className="chip">
                  {tag}
                </span>
              ))
            ) : (
              <span className="muted">–</span>
            )}
          </td>
          <td>
            {s.enabled ? (
              <span className="badge badge-up">enabled</span>
            ) : (
              <span className="badge badge-disabled">disabled</span>
            )}
          </td>
          <td>
            <Moment iso={s.first_seen} never="never seen" />
          </td>
          <td data-testid="registry-last-seen">
            <Moment iso={s.last_seen} never="never seen" now={now} />
          </td>
          <td>{tokenSummary(s.credentials)}</td>
        </tr>
      ))}
    </RegistryTable>
  );
}

function CredentialsPanel({ rows, now }: { rows: CredentialRow[]; now: number }) {
  return (
    <RegistryTable
      id="registry-credentials-title"
      title="Ingest credentials"
      aside={
        <>Only a token’s prefix is kept visible; the token itself is shown once, when created.</>
      }
      rows={rows.length}
      empty="No ingest token has been issued yet."
      testId="registry-credentials"
      columns={['Prefix', 'Kind', 'Writes for', 'Created', 'Last used', 'Revoked']}
    >
      {rows.map((c) => (
        <tr
          key={c.prefix}
          data-testid="registry-credential"
          className={c.revoked_at ? 'row-revoked' : undefined}
        >
          <th scope="row">
            <code>{c.prefix}…</code>
          </th>
          <td>{c.kind === 'station' ? 'station token' : 'gateway token'}</td>
          <td>
            {c.owner.kind === 'station' ? (
              <Link href={`/stations/${encodeURIComponent(c.owner.id)}`}>{c.owner.label}</Link>
            ) : (
              <>
                {c.owner.label} <span className="muted">(gateway)</span>
              </>
            )}
          </td>
          <td>
            <Moment iso={c.created_at} never="–" />
          </td>
          <td>
            <Moment iso={c.last_used_at} never="never" now={now} />
          </td>
          <td className={c.revoked_at ? 'registry-revoked' : undefined}>
            <Moment iso={c.revoked_at} never="no" />
          </td>
        </tr>
      ))}
    </RegistryTable>
  );
}

function GatewaysPanel({ registry }: { registry: Registry }) {
  const counts = stationsPerGateway(registry.stations);
  return (
    <RegistryTable
      id="registry-gateways-title"
      title="Gateways"
      aside={<>A gateway token writes for every station registered under its gateway.</>}
      rows={registry.gateways.length}
      empty="No gateway is registered."
      testId="registry-gateways"
      columns={['Gateway', 'Registers new stations', 'Stations', 'Tokens', 'Created']}
    >
      {registry.gateways.map((g) => (
        <tr key={g.gateway_id}>
          <th scope="row">
            {g.name ?? g.gateway_id}
            {g.name && <span className="muted station-cell-id"> {g.gateway_id}</span>}
          </th>
          <td>{g.auto_register ? 'yes, on first reading' : 'no'}</td>
          <td>{counts.get(g.gateway_id) ?? 0}</td>
          <td>{tokenSummary(g.credentials)}</td>
          <td>
            <Moment iso={g.created_at} never="–" />
          </td>
        </tr>
      ))}
    </RegistryTable>
  );
}

/** A registry time: relative when given `now`, else to the minute; `never` when there is none. */
function Moment({ iso, never, now }: { iso: string | null; never: string; now?: number }) {
  if (iso === null) return <span className="muted">{never}</span>;
  return (
    <time dateTime={iso} title={`${formatDateTime(iso)} UTC`}>
      {now === undefined ? formatUtcMinute(iso) : relativeTime(iso, now)}
    </time>
  );
}

function EmptyRegistry() {
  return (
    <section
      className="panel empty"
      data-testid="registry-empty"
      aria-labelledby="registry-empty-title"
    >
      <h2 id="registry-empty-title">No stations registered yet</h2>
      <p>Register one, with a station token to send its readings with:</p>
      <pre>{CLI_EXAMPLE}</pre>
    </section>
  );
}

/** A panel with a titled, labelled table of registry rows, or a line saying there are none. */
function RegistryTable(props: {
  id: string;
  title: string;
  aside: ReactNode;
  rows: number;
  empty: string;
  testId: string;
  columns: string[];
  children: ReactNode;
}) {
  return (
    <section className="panel" aria-labelledby={props.id}>
      <div className="panel-head">
        <h2 id={props.id}>{props.title}</h2>
        <span className="muted">{props.aside}</span>
      </div>
      {props.rows === 0 ? (
        <p className="muted">{props.empty}</p>
      ) : (
        <div className="table-scroll">
          <table
            className="stations-table registry-table"
            aria-labelledby={props.id}
            data-testid={props.testId}
          >
            <thead>
              <tr>
                {props.columns.map((column) => (
                  <th key={column} scope="col">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>{props.children}</tbody>
          </table>
        </div>
      )}
    </section>
  );
}
