'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@weather/api';
import { MEASUREMENTS, NUMERIC_MEASUREMENT_NAMES } from '@weather/core/measurements';
import Link from 'next/link';
import { type FormEvent, useId, useState } from 'react';
import { fieldProblems, refusalText } from '@/lib/access';
import { formatDuration } from '@/lib/health';
import { useTRPC } from '@/trpc/react';
import { ConfirmButton } from '../admin/confirm-button';
import { FormField, SelectField } from '../admin/form-field';
import { Moment } from '../admin/moment';
import { type Notice, NoticeLine } from '../admin/notice-line';
import { SecretOnce } from '../admin/secret-once';
import { useViewer } from '../auth/use-viewer';

type Outputs = inferRouterOutputs<AppRouter>['alerts'];
type RuleRow = Outputs['rules'][number];

const LIVE_MS = 5000;
const HOUR = 3_600_000;

const KIND_OPTIONS = [
  { value: 'offline', label: 'Station offline' },
  { value: 'threshold', label: 'Measurement above/below a value' },
  { value: 'battery_low', label: 'Battery low' },
];
const SCOPE_OPTIONS = [
  { value: 'all', label: 'All stations' },
  { value: 'station', label: 'One station' },
  { value: 'tag', label: 'Stations with a tag' },
];
const MEASUREMENT_OPTIONS = NUMERIC_MEASUREMENT_NAMES.map((name) => ({
  value: name,
  label: `${MEASUREMENTS[name].label}${MEASUREMENTS[name].unit ? ` (${MEASUREMENTS[name].unit})` : ''}`,
}));
const DIRECTION_OPTIONS = [
  { value: 'above', label: 'above' },
  { value: 'below', label: 'below' },
];

/** "wind gust above 20 m/s (clears at 17) for 10 min": what a rule watches, in words. */
function ruleText(rule: RuleRow): string {
  const lasting = rule.for_seconds > 0 ? ` for ${formatDuration(rule.for_seconds)}` : '';
  if (rule.kind === 'offline') return `offline${lasting}`;
  if (rule.kind === 'battery_low') return `battery low${lasting}`;
  const spec = MEASUREMENTS[rule.measurement as keyof typeof MEASUREMENTS];
  const unit = spec?.unit ? ` ${spec.unit}` : '';
  const clears =
    rule.clear_at !== null && rule.clear_at !== rule.threshold
      ? ` (clears at ${rule.clear_at}${unit})`
      : '';
  return `${(spec?.label ?? rule.measurement ?? '').toLowerCase()} ${rule.direction} ${rule.threshold}${unit}${clears}${lasting}`;
}

const scopeText = (rule: RuleRow) =>
  rule.scope === 'all'
    ? 'all stations'
    : rule.scope === 'tag'
      ? `tag “${rule.target}”`
      : String(rule.target);

/** The alerts page (SPEC §17): what is firing, the rules, and (admins) the webhooks. */
export function AlertsView() {
  const trpc = useTRPC();
  const { isAdmin } = useViewer();
  const open = useQuery(trpc.alerts.list.queryOptions({}, { refetchInterval: LIVE_MS }));
  const rules = useQuery(trpc.alerts.rules.queryOptions(undefined, { refetchInterval: LIVE_MS }));
  const now = open.dataUpdatedAt || Date.now();
  return (
    <div className="registry">
      <OpenAlerts alerts={open.data} error={open.error?.message} now={now} isAdmin={isAdmin} />
      <Rules rules={rules.data} error={rules.error?.message} isAdmin={isAdmin} />
      {isAdmin ? <Webhooks /> : null}
    </div>
  );
}

function OpenAlerts({
  alerts,
  error,
  now,
  isAdmin,
}: {
  alerts: Outputs['list'] | undefined;
  error?: string;
  now: number;
  isAdmin: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const acknowledge = useMutation(
    trpc.alerts.acknowledge.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.alerts.list.queryKey() }),
    }),
  );
  return (
    <section className="panel" aria-labelledby="open-alerts-title">
      <div className="panel-head">
        <h2 id="open-alerts-title">Firing and pending</h2>
      </div>
      {error ? (
        <p className="error-text" role="alert">
          Could not load the alerts: {error}
        </p>
      ) : !alerts ? (
        <div className="skeleton table-skeleton" aria-busy="true" />
      ) : alerts.length === 0 ? (
        <p className="muted" data-testid="no-alerts">
          Nothing is firing.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="stations-table registry-table" data-testid="open-alerts">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Station</th>
                <th scope="col">State</th>
                <th scope="col">Since</th>
                <th scope="col">Value</th>
                <th scope="col">Acknowledged</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((a) => (
                <tr key={a.id} data-testid="alert-row" data-state={a.state}>
                  <th scope="row">{a.rule_name}</th>
                  <td>
                    <Link href={`/stations/${encodeURIComponent(a.station_id)}`}>
                      {a.station_name ?? a.station_id}
                    </Link>
                  </td>
                  <td>
                    <span
                      className={`badge ${a.state === 'firing' ? 'badge-offline' : 'badge-late'}`}
                    >
                      {a.state}
                    </span>
                  </td>
                  <td>
                    <Moment iso={a.fired_at ?? a.since} never="–" now={now} />
                  </td>
                  <td>{a.value ?? '–'}</td>
                  <td>
                    {a.acknowledged_at ? (
                      <span title={a.acknowledged_at}>by {a.acknowledged_by}</span>
                    ) : isAdmin && a.state === 'firing' ? (
                      <button
                        type="button"
                        className="button"
                        disabled={acknowledge.isPending}
                        onClick={() => acknowledge.mutate({ id: a.id })}
                      >
                        Acknowledge
                      </button>
                    ) : (
                      <span className="muted">no</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Rules({
  rules,
  error,
  isAdmin,
}: {
  rules: RuleRow[] | undefined;
  error?: string;
  isAdmin: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<Notice>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.rules.queryKey() });
  const silence = useMutation(trpc.alerts.silenceRule.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.alerts.deleteRule.mutationOptions({ onSettled: refresh }));
  return (
    <>
      {isAdmin ? (
        <CreateRule
          onCreated={(name) => setNotice({ kind: 'done', text: `Rule “${name}” created.` })}
        />
      ) : null}
      <section className="panel" aria-labelledby="rules-title">
        <div className="panel-head">
          <h2 id="rules-title">Rules</h2>
        </div>
        <NoticeLine notice={notice} />
        {error ? (
          <p className="error-text" role="alert">
            Could not load the rules: {error}
          </p>
        ) : !rules ? (
          <div className="skeleton table-skeleton" aria-busy="true" />
        ) : rules.length === 0 ? (
          <p className="muted">No alert rule yet{isAdmin ? ': create one above.' : '.'}</p>
        ) : (
          <div className="table-scroll">
            <table className="stations-table registry-table" data-testid="alert-rules">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">When</th>
                  <th scope="col">For</th>
                  <th scope="col">Webhook</th>
                  <th scope="col">Silenced until</th>
                  {isAdmin ? (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {rules.map((rule) => {
                  const silenced =
                    rule.silenced_until !== null && Date.parse(rule.silenced_until) > Date.now();
                  return (
                    <tr key={rule.id} data-testid="alert-rule-row">
                      <th scope="row">{rule.name}</th>
                      <td>{ruleText(rule)}</td>
                      <td>{scopeText(rule)}</td>
                      <td>
                        {rule.webhook_id === null ? (
                          <span className="muted">none</span>
                        ) : (
                          `#${rule.webhook_id}`
                        )}
                      </td>
                      <td>
                        {silenced ? (
                          <Moment iso={rule.silenced_until} never="–" />
                        ) : (
                          <span className="muted">no</span>
                        )}
                      </td>
                      {isAdmin ? (
                        <td className="row-actions">
                          <button
                            type="button"
                            className="button"
                            disabled={silence.isPending}
                            onClick={() =>
                              silence.mutate({
                                id: rule.id,
                                until: silenced ? null : new Date(Date.now() + HOUR).toISOString(),
                              })
                            }
                          >
                            {silenced ? 'Unsilence' : 'Silence 1 h'}
                          </button>
                          <ConfirmButton
                            label="Delete"
                            confirmLabel="Yes, delete"
                            subject={rule.name}
                            pending={remove.isPending}
                            onConfirm={() =>
                              remove.mutate(
                                { id: rule.id },
                                {
                                  onError: (e) =>
                                    setNotice({ kind: 'refused', text: refusalText(e) }),
                                },
                              )
                            }
                          />
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

function CreateRule({ onCreated }: { onCreated: (name: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [kind, setKind] = useState('offline');
  const [scope, setScope] = useState('all');
  const [round, setRound] = useState(0);
  const webhooks = useQuery(trpc.alerts.webhooks.queryOptions());
  const create = useMutation(
    trpc.alerts.createRule.mutationOptions({
      onSuccess: (_data, input) => {
        onCreated(input.name);
        setRound((n) => n + 1);
      },
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.alerts.rules.queryKey() }),
    }),
  );
  const problems = fieldProblems(create.error);
  const number = (form: FormData, name: string) => {
    const text = String(form.get(name) ?? '').trim();
    return text === '' ? null : Number(text);
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const threshold = kind === 'threshold';
    const webhook = String(form.get('webhook') ?? '');
    create.mutate({
      name: String(form.get('name') ?? '').trim(),
      kind: kind as 'offline' | 'threshold' | 'battery_low',
      scope: scope as 'all' | 'station' | 'tag',
      target: scope === 'all' ? null : String(form.get('target') ?? '').trim(),
      measurement: threshold
        ? (String(form.get('measurement')) as (typeof NUMERIC_MEASUREMENT_NAMES)[number])
        : null,
      direction: threshold ? (form.get('direction') === 'below' ? 'below' : 'above') : null,
      threshold: threshold ? number(form, 'threshold') : null,
      clear_at: threshold ? number(form, 'clear_at') : null,
      for_seconds: Math.round((number(form, 'for_minutes') ?? 0) * 60),
      webhook_id: webhook === '' ? null : Number(webhook),
    });
  };
  return (
    <section className="panel" aria-labelledby="create-rule-title">
      <div className="panel-head">
        <h2 id="create-rule-title">Create an alert rule</h2>
      </div>
      <form
        key={round}
        className="form-grid"
        onSubmit={onSubmit}
        aria-labelledby="create-rule-title"
      >
        <FormField
          id={`${id}-name`}
          name="name"
          label="Name"
          required
          maxLength={100}
          autoComplete="off"
          problem={problems.name}
        />
        <div className="form-field">
          <label htmlFor={`${id}-kind`}>When</label>
          <select
            id={`${id}-kind`}
            name="kind"
            value={kind}
            onChange={(e) => setKind(e.target.value)}
          >
            {KIND_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-scope`}>For</label>
          <select
            id={`${id}-scope`}
            name="scope"
            value={scope}
            onChange={(e) => setScope(e.target.value)}
          >
            {SCOPE_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        {scope !== 'all' ? (
          <FormField
            id={`${id}-target`}
            name="target"
            label={scope === 'tag' ? 'Tag' : 'Station id'}
            required
            autoComplete="off"
            problem={problems.target}
          />
        ) : null}
        {kind === 'threshold' ? (
          <>
            <SelectField
              id={`${id}-measurement`}
              name="measurement"
              label="Measurement"
              options={MEASUREMENT_OPTIONS}
              defaultValue="wind_gust"
            />
            <SelectField
              id={`${id}-direction`}
              name="direction"
              label="Direction"
              options={DIRECTION_OPTIONS}
              defaultValue="above"
            />
            <FormField
              id={`${id}-threshold`}
              name="threshold"
              label="Threshold"
              type="number"
              step="any"
              required
              problem={problems.threshold}
            />
            <FormField
              id={`${id}-clear`}
              name="clear_at"
              label="Clears at"
              type="number"
              step="any"
              hint="Optional: where it resolves (hysteresis)"
              problem={problems.clear_at}
            />
          </>
        ) : null}
        <FormField
          id={`${id}-for`}
          name="for_minutes"
          label="For (minutes)"
          type="number"
          min={0}
          step="any"
          defaultValue="0"
          hint="How long it must hold before it fires"
          problem={problems.for_seconds}
        />
        <SelectField
          id={`${id}-webhook`}
          name="webhook"
          label="Notify webhook"
          options={[
            { value: '', label: 'none' },
            ...(webhooks.data ?? []).map((w) => ({
              value: String(w.id),
              label: `${w.name} (#${w.id})`,
            })),
          ]}
          defaultValue={webhooks.data?.[0] ? String(webhooks.data[0].id) : ''}
        />
        <div className="form-actions form-actions-end">
          <button type="submit" className="button primary" disabled={create.isPending}>
            Create rule
          </button>
        </div>
      </form>
      {create.error && Object.keys(problems).length === 0 && (
        <p className="error-text" role="alert">
          {refusalText(create.error)}
        </p>
      )}
    </section>
  );
}

function Webhooks() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const webhooks = useQuery(trpc.alerts.webhooks.queryOptions());
  const [created, setCreated] = useState<{ name: string; secret: string }>();
  const [notice, setNotice] = useState<Notice>(null);
  const [shown, setShown] = useState<number | null>(null);
  const [round, setRound] = useState(0);
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.alerts.webhooks.queryKey() });
  const create = useMutation(
    trpc.alerts.createWebhook.mutationOptions({
      onSuccess: (hook) => {
        setCreated({ name: hook.name, secret: hook.secret });
        setRound((n) => n + 1);
      },
      onSettled: refresh,
    }),
  );
  const test = useMutation(trpc.alerts.testWebhook.mutationOptions());
  const remove = useMutation(trpc.alerts.deleteWebhook.mutationOptions({ onSettled: refresh }));
  const problems = fieldProblems(create.error);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      name: String(form.get('name') ?? '').trim(),
      url: String(form.get('url') ?? '').trim(),
    });
  };
  return (
    <>
      <section className="panel" aria-labelledby="create-webhook-title">
        <div className="panel-head">
          <h2 id="create-webhook-title">Add a webhook</h2>
        </div>
        <form
          key={round}
          className="form-grid"
          onSubmit={onSubmit}
          aria-labelledby="create-webhook-title"
        >
          <FormField
            id={`${id}-name`}
            name="name"
            label="Name"
            required
            maxLength={100}
            autoComplete="off"
            problem={problems.name}
          />
          <FormField
            id={`${id}-url`}
            name="url"
            label="URL"
            type="url"
            required
            autoComplete="off"
            hint="http(s); private addresses only with WEBHOOK_ALLOW_PRIVATE=true"
            problem={problems.url}
          />
          <div className="form-actions form-actions-end">
            <button type="submit" className="button primary" disabled={create.isPending}>
              Add webhook
            </button>
          </div>
        </form>
        {create.error && Object.keys(problems).length === 0 && (
          <p className="error-text" role="alert" data-testid="webhook-refused">
            {refusalText(create.error)}
          </p>
        )}
      </section>
      {created && (
        <SecretOnce
          title={`Signing secret of “${created.name}”`}
          what="secret"
          secret={created.secret}
          testId="created-webhook-secret"
          onDismiss={() => setCreated(undefined)}
        >
          <p>
            Each request carries <code>x-signature: sha256=…</code>, an HMAC-SHA256 with this secret
            over <code>&lt;x-signature-timestamp&gt;.&lt;body&gt;</code>.
          </p>
        </SecretOnce>
      )}
      <section className="panel" aria-labelledby="webhooks-title">
        <div className="panel-head">
          <h2 id="webhooks-title">Webhooks</h2>
        </div>
        <NoticeLine notice={notice} />
        {!webhooks.data ? (
          <div className="skeleton table-skeleton" aria-busy="true" />
        ) : webhooks.data.length === 0 ? (
          <p className="muted">No webhook yet.</p>
        ) : (
          <div className="table-scroll">
            <table className="stations-table registry-table" data-testid="webhooks">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">URL</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {webhooks.data.map((hook) => (
                  <tr key={hook.id} data-testid="webhook-row">
                    <th scope="row">
                      {hook.name} <span className="muted">#{hook.id}</span>
                    </th>
                    <td>
                      <code>{hook.url}</code>
                    </td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="button"
                        disabled={test.isPending}
                        onClick={() =>
                          test.mutate(
                            { id: hook.id },
                            {
                              onSuccess: () => {
                                setShown(hook.id);
                                setNotice({
                                  kind: 'done',
                                  text: `Test sent to ${hook.name}; its delivery shows below.`,
                                });
                              },
                            },
                          )
                        }
                      >
                        Send test
                      </button>
                      <button
                        type="button"
                        className="button"
                        onClick={() => setShown(shown === hook.id ? null : hook.id)}
                      >
                        {shown === hook.id ? 'Hide deliveries' : 'Deliveries'}
                      </button>
                      <ConfirmButton
                        label="Delete"
                        confirmLabel="Yes, delete"
                        subject={hook.name}
                        pending={remove.isPending}
                        onConfirm={() => remove.mutate({ id: hook.id })}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {shown !== null ? <Deliveries webhookId={shown} /> : null}
    </>
  );
}

function Deliveries({ webhookId }: { webhookId: number }) {
  const trpc = useTRPC();
  const log = useQuery(
    trpc.alerts.deliveries.queryOptions({ id: webhookId }, { refetchInterval: 2000 }),
  );
  const now = log.dataUpdatedAt || Date.now();
  return (
    <section className="panel" aria-labelledby="deliveries-title">
      <div className="panel-head">
        <h2 id="deliveries-title">Deliveries of webhook #{webhookId}</h2>
      </div>
      {!log.data ? (
        <div className="skeleton table-skeleton" aria-busy="true" />
      ) : log.data.length === 0 ? (
        <p className="muted">Nothing sent yet.</p>
      ) : (
        <table className="stations-table registry-table" data-testid="deliveries">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Queued</th>
              <th scope="col">Attempts</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {log.data.map((d) => (
              <tr key={d.id} data-testid="delivery-row">
                <th scope="row">
                  {d.event} <span className="muted">#{d.id}</span>
                </th>
                <td>
                  <Moment iso={d.created_at} never="–" now={now} />
                </td>
                <td>{d.attempts}</td>
                <td>
                  {d.delivered_at
                    ? `delivered (${d.last_status})`
                    : d.failed_at
                      ? `gave up: ${d.last_error}`
                      : d.attempts > 0
                        ? `retrying: ${d.last_error}`
                        : 'queued'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
