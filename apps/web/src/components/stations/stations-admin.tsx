'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { services } from '@weather/core/services';
import Link from 'next/link';
import { Fragment, type ReactNode, useState } from 'react';
import { type ProcedureError, refusalText, tokenExample } from '@/lib/access';
import {
  CLI_EXAMPLE,
  type CredentialRow,
  credentialRows,
  type Registry,
  type RegistryStation,
  stationsPerGateway,
  tokenSummary,
} from '@/lib/registry';
import { type SetupGuide, stationSetup } from '@/lib/station-setup';
import { useTRPC } from '@/trpc/react';
import { ConfirmButton } from '../admin/confirm-button';
import { Moment } from '../admin/moment';
import { type Notice, NoticeLine } from '../admin/notice-line';
import { SecretOnce } from '../admin/secret-once';
import { useViewer } from '../auth/use-viewer';
import { StationForm } from './station-form';

/** Last-seen and last-used times move; the page follows them without a reload. */
const REFRESH_MS = 10_000;

const labelOf = (s: { name: string | null; station_id: string }) => s.name ?? s.station_id;

/**
 * The registry: stations, their ingest credentials, and gateways. Admins also register and edit
 * stations, switch them off and on, and issue and revoke their tokens; everyone else reads.
 */
export function StationsAdmin() {
  const trpc = useTRPC();
  const { isAdmin } = useViewer();
  const registry = useQuery(
    trpc.stations.registry.queryOptions(undefined, { refetchInterval: REFRESH_MS }),
  );
  const admin = useRegistryAdmin();
  // "5 min ago" against the time of the answer: the server's render and the browser's agree.
  const now = registry.dataUpdatedAt || Date.now();

  if (registry.data) {
    const empty = registry.data.stations.length === 0 && registry.data.gateways.length === 0;
    const actions = isAdmin ? admin : undefined;
    return (
      <div className="registry">
        {actions && <ManagePanel registry={registry.data} admin={actions} />}
        {actions?.issued && (
          <SecretOnce
            title={`Ingest token for ${actions.issued.label}`}
            what="token"
            secret={actions.issued.token}
            example={tokenExample(actions.issued.token, actions.issued.stationId, {
              host: window.location.hostname,
              port: services.collector.port,
              timestamp: `${new Date().toISOString().slice(0, 19)}Z`,
            })}
            testId="issued-token"
            onDismiss={actions.dismissToken}
          >
            <FirmwareSetup
              guides={stationSetup(actions.issued.token, actions.issued.stationId, {
                host: window.location.hostname,
                port: services.collector.port,
                timestamp: `${new Date().toISOString().slice(0, 19)}Z`,
              }).slice(1)}
            />
          </SecretOnce>
        )}
        {empty && !actions ? (
          <EmptyRegistry />
        ) : (
          <>
            <StationsPanel registry={registry.data} now={now} admin={actions} />
            <CredentialsPanel rows={credentialRows(registry.data)} now={now} admin={actions} />
            <GatewaysPanel registry={registry.data} />
          </>
        )}
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

type RegistryAdmin = ReturnType<typeof useRegistryAdmin>;

/** What an admin does to the registry, and what the page says about it afterwards. */
function useRegistryAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<Notice>(null);
  const [issued, setIssued] = useState<{ stationId: string; label: string; token: string }>();
  const [editing, setEditing] = useState<string | null>(null);
  const [registering, setRegistering] = useState(false);
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.stations.registry.queryKey() });
  const done = (text: string) => setNotice({ kind: 'done', text });
  const refused = (what: string) => (error: ProcedureError) =>
    setNotice({ kind: 'refused', text: `Could not ${what}: ${refusalText(error)}` });
  const update = useMutation(trpc.stations.update.mutationOptions({ onSettled: refresh }));
  const issue = useMutation(trpc.stations.issueToken.mutationOptions({ onSettled: refresh }));
  const revoke = useMutation(trpc.stations.revokeToken.mutationOptions({ onSettled: refresh }));

  return {
    notice,
    issued,
    editing,
    registering,
    busy: update.isPending || issue.isPending || revoke.isPending,
    startRegistering: () => {
      setRegistering(true);
      setEditing(null);
    },
    stopRegistering: () => setRegistering(false),
    setEditing: (stationId: string | null) => {
      setEditing(stationId);
      if (stationId) setRegistering(false);
    },
    registered: (station: RegistryStation) => {
      setRegistering(false);
      done(`Registered ${labelOf(station)}. Issue it a token to send readings with.`);
      void refresh();
    },
    saved: (station: RegistryStation) => {
      setEditing(null);
      done(`Saved ${labelOf(station)}.`);
      void refresh();
    },
    setEnabled: (station: RegistryStation, enabled: boolean) => {
      const verb = enabled ? 'enable' : 'disable';
      update.mutate(
        { station_id: station.station_id, fields: { enabled } },
        {
          onSuccess: () =>
            done(
              enabled
                ? `Enabled ${labelOf(station)}: its readings are accepted again.`
                : `Disabled ${labelOf(station)}: collectors refuse its readings until it is enabled.`,
            ),
          onError: refused(`${verb} ${labelOf(station)}`),
        },
      );
    },
    issueToken: (station: RegistryStation) =>
      issue.mutate(
        { station_id: station.station_id },
        {
          onSuccess: ({ token }) => {
            setNotice(null);
            setIssued({ stationId: station.station_id, label: labelOf(station), token });
          },
          onError: refused(`issue a token for ${labelOf(station)}`),
        },
      ),
    dismissToken: () => setIssued(undefined),
    revokeToken: (row: CredentialRow) =>
      revoke.mutate(
        { prefix: row.prefix },
        {
          onSuccess: () =>
            done(
              `Revoked ${row.prefix}… of ${row.owner.label}; collectors refuse it within seconds.`,
            ),
          onError: refused(`revoke ${row.prefix}…`),
        },
      ),
  };
}

/** The admin's entry point: what they can do here, the register form, and the last outcome. */
function ManagePanel({ registry, admin }: { registry: Registry; admin: RegistryAdmin }) {
  return (
    <section
      className="panel"
      aria-labelledby="registry-manage-title"
      data-testid="registry-manage"
    >
      <div className="panel-head">
        <h2 id="registry-manage-title">Manage stations</h2>
        {!admin.registering && (
          <button type="button" className="button primary" onClick={admin.startRegistering}>
            Register a station
          </button>
        )}
      </div>
      <p className="muted panel-intro">
        Register a station before it first reports, then issue it an ingest token; edit, disable or
        revoke from the tables below.
      </p>
      {admin.registering && (
        <StationForm
          gateways={registry.gateways.map((g) => g.gateway_id)}
          onDone={admin.registered}
          onCancel={admin.stopRegistering}
        />
      )}
      <NoticeLine notice={admin.notice} />
    </section>
  );
}

const STATION_COLUMNS = [
  'Station',
  'Gateway',
  'Time zone',
  'Tags',
  'State',
  'First seen',
  'Last seen',
  'Tokens',
];

function StationsPanel({
  registry,
  now,
  admin,
}: {
  registry: Registry;
  now: number;
  admin?: RegistryAdmin;
}) {
  const columns = admin ? [...STATION_COLUMNS, 'Actions'] : STATION_COLUMNS;
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
      columns={columns}
    >
      {registry.stations.map((s) => (
        <Fragment key={s.station_id}>
          <tr data-testid="registry-station">
            <th scope="row">
              <Link href={`/stations/${encodeURIComponent(s.station_id)}`}>{labelOf(s)}</Link>
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
            <td data-testid="registry-state">
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
            {admin && (
              <td className="row-actions">
                <button
                  type="button"
                  className="button button-small"
                  aria-label={`Edit ${labelOf(s)}`}
                  aria-expanded={admin.editing === s.station_id}
                  onClick={() =>
                    admin.setEditing(admin.editing === s.station_id ? null : s.station_id)
                  }
                >
                  Edit
                </button>
                <button
                  type="button"
                  className="button button-small"
                  aria-label={`${s.enabled ? 'Disable' : 'Enable'} ${labelOf(s)}`}
                  disabled={admin.busy}
                  onClick={() => admin.setEnabled(s, !s.enabled)}
                >
                  {s.enabled ? 'Disable' : 'Enable'}
                </button>
                <button
                  type="button"
                  className="button button-small"
                  aria-label={`Issue a token for ${labelOf(s)}`}
                  disabled={admin.busy}
                  onClick={() => admin.issueToken(s)}
                >
                  Issue token
                </button>
              </td>
            )}
          </tr>
          {admin?.editing === s.station_id && (
            <tr className="registry-edit-row">
              <td colSpan={columns.length}>
                <StationForm
                  station={s}
                  gateways={registry.gateways.map((g) => g.gateway_id)}
                  onDone={admin.saved}
                  onCancel={() => admin.setEditing(null)}
                />
              </td>
            </tr>
          )}
        </Fragment>
      ))}
    </RegistryTable>
  );
}

const CREDENTIAL_COLUMNS = ['Prefix', 'Kind', 'Writes for', 'Created', 'Last used', 'Revoked'];

function CredentialsPanel({
  rows,
  now,
  admin,
}: {
  rows: CredentialRow[];
  now: number;
  admin?: RegistryAdmin;
}) {
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
      columns={admin ? [...CREDENTIAL_COLUMNS, 'Actions'] : CREDENTIAL_COLUMNS}
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
          <td
            className={c.revoked_at ? 'registry-revoked' : undefined}
            data-testid="credential-revoked"
          >
            <Moment iso={c.revoked_at} never="no" />
          </td>
          {admin && (
            <td className="row-actions">
              {c.revoked_at === null && (
                <ConfirmButton
                  label="Revoke"
                  confirmLabel="Yes, revoke"
                  subject={`${c.prefix}…`}
                  pending={admin.busy}
                  onConfirm={() => admin.revokeToken(c)}
                />
              )}
            </td>
          )}
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

function EmptyRegistry() {
  return (
    <section
      className="panel empty"
      data-testid="registry-empty"
      aria-labelledby="registry-empty-title"
    >
      <h2 id="registry-empty-title">No stations registered yet</h2>
      <p>
        An admin registers one here, or from a shell with a station token to send readings with:
      </p>
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

/** For a station's firmware: what to type into its setup screen, per protocol (SPEC §13). */
function FirmwareSetup({ guides }: { guides: SetupGuide[] }) {
  return (
    <div className="firmware-setup" data-testid="firmware-setup">
      <p className="muted secret-example-label">Or point a station’s own firmware here:</p>
      {guides.map((guide) => (
        <details key={guide.protocol}>
          <summary>{guide.label}</summary>
          <dl className="setup-settings">
            {guide.settings.map(([name, value]) => (
              <div key={name}>
                <dt className="setup-name">{name}</dt>
                <dd className="setup-value">
                  <code>{value}</code>
                </dd>
              </div>
            ))}
          </dl>
          <pre className="secret-example">{guide.example}</pre>
        </details>
      ))}
    </div>
  );
}
