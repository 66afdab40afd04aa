'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Protocol } from '@weather/core/reading';
import Link from 'next/link';
import { type FormEvent, useState } from 'react';
import { formatCount } from '@/lib/format';
import { useTRPC } from '@/trpc/react';
import { useViewer } from '../auth/use-viewer';

interface NumberSpec<N extends string = string> {
  name: N;
  label: string;
  min: number;
  max: number;
  /** Any decimals; otherwise whole steps from `min`. */
  fractional?: boolean;
  /** Shown until a run reports its own setting. */
  initial: number;
}

const LIVE_FIELDS = [
  { name: 'stations', label: 'Stations', min: 1, max: 10000, initial: 10 },
  { name: 'interval', label: 'Interval (s)', min: 0.05, max: 3600, fractional: true, initial: 1 },
  { name: 'batch_size', label: 'Batch size', min: 1, max: 1000, initial: 5 },
  {
    name: 'duplicate_percent',
    label: 'Duplicates (%)',
    min: 0,
    max: 90,
    fractional: true,
    initial: 20,
  },
] as const satisfies readonly NumberSpec[];

const BACKFILL_FIELDS = [
  { name: 'stations', label: 'Stations', min: 1, max: 10000, initial: 10 },
  { name: 'days', label: 'Days', min: 0.01, max: 366, fractional: true, initial: 1 },
  { name: 'interval', label: 'Every (s)', min: 1, max: 86400, initial: 60 },
] as const satisfies readonly NumberSpec[];

type UploadProtocol = 'json' | Protocol;

/** How the simulated stations upload: the JSON API, one firmware protocol, or all in turn. */
const UPLOADS: { value: string; label: string; protocols: UploadProtocol[] }[] = [
  { value: 'json', label: 'JSON API', protocols: ['json'] },
  { value: 'wunderground', label: 'Weather Underground', protocols: ['wunderground'] },
  { value: 'ecowitt', label: 'Ecowitt', protocols: ['ecowitt'] },
  { value: 'ambient', label: 'Ambient Weather', protocols: ['ambient'] },
  {
    value: 'mixed',
    label: 'Mixed (all four in turn)',
    protocols: ['json', 'wunderground', 'ecowitt', 'ambient'],
  },
];

/** The submitted form's value of each field, by name. */
const numbers = <N extends string>(form: FormData, fields: readonly NumberSpec<N>[]) =>
  Object.fromEntries(fields.map(({ name }) => [name, Number(form.get(name))])) as Record<N, number>;

/**
 * The station simulator's state and live counts for everyone; for admins, start/stop with its
 * main settings, and backfill.
 */
export function GeneratorPanel() {
  const trpc = useTRPC();
  const { user, isAdmin } = useViewer();
  const queryClient = useQueryClient();
  const status = useQuery(
    trpc.generator.status.queryOptions(undefined, { refetchInterval: 2000, retry: false }),
  );
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.generator.status.queryKey() });
  const start = useMutation(trpc.generator.start.mutationOptions({ onSettled: refresh }));
  const stop = useMutation(trpc.generator.stop.mutationOptions({ onSettled: refresh }));
  const backfill = useMutation(trpc.generator.backfill.mutationOptions({ onSettled: refresh }));
  const [useBatch, setUseBatch] = useState(true);

  const run = status.data?.run ?? null;
  const running = status.data?.running ?? false;
  const state = status.error
    ? 'unreachable'
    : !status.data
      ? 'loading'
      : running
        ? 'running'
        : run?.state === 'failed'
          ? 'failed'
          : run
            ? 'stopped'
            : 'idle';
  const fill = status.data?.backfill ?? null;

  const onStart = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const uploads = UPLOADS.find((u) => u.value === form.get('uploads')) ?? UPLOADS[0];
    start.mutate({
      ...numbers(form, LIVE_FIELDS),
      use_batch: useBatch,
      protocols: uploads?.protocols ?? ['json'],
    });
  };
  const onBackfill = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    backfill.mutate(numbers(form, BACKFILL_FIELDS));
  };
  const error = start.error ?? stop.error ?? backfill.error;

  return (
    <section className="panel" aria-labelledby="generator-title" data-testid="generator-panel">
      <div className="panel-head">
        <h2 id="generator-title">Generator</h2>
        <span
          className={`badge ${running ? 'badge-up' : state === 'unreachable' || state === 'failed' ? 'badge-down' : 'badge-idle'}`}
          data-testid="generator-state"
        >
          {state === 'idle' ? 'not started' : state}
        </span>
      </div>
      {status.error && (
        <p className="error-text">The generator does not answer: {status.error.message}</p>
      )}
      {!isAdmin && (
        <p className="muted access-note" data-testid="generator-read-only">
          {user ? (
            'Only an admin can control the simulator.'
          ) : (
            <>
              <Link href="/sign-in">Sign in</Link> as an admin to control the simulator.
            </>
          )}
        </p>
      )}
      {isAdmin && (
        <form className="gen-form" onSubmit={onStart} aria-label="Live run">
          {LIVE_FIELDS.map((field) => (
            <NumberField key={field.name} {...field} defaultValue={run?.options[field.name]} />
          ))}
          <label>
            Uploads as
            <select name="uploads" defaultValue={uploadsOf(run?.options.protocols)}>
              {UPLOADS.map((u) => (
                <option key={u.value} value={u.value}>
                  {u.label}
                </option>
              ))}
            </select>
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={useBatch}
              onChange={(e) => setUseBatch(e.target.checked)}
            />{' '}
            Batch uploads
          </label>
          <div className="gen-actions">
            <button type="submit" className="button primary" disabled={start.isPending}>
              {running ? 'Restart' : 'Start'}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => stop.mutate()}
              disabled={stop.isPending || (!running && fill?.state !== 'running')}
            >
              Stop
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error.message}
        </p>
      )}
      {run?.state === 'failed' && run.last_error && (
        <p className="error-text" data-testid="generator-last-error">
          {run.last_error}
        </p>
      )}
      {run && (
        <dl className="figures compact" data-testid="generator-figures">
          <Figure label="Sent" value={run.sent} />
          <Figure label="Accepted" value={run.accepted} />
          <Figure label="Rejected" value={run.rejected} />
          <Figure label="Duplicates sent" value={run.duplicates_sent} />
          <Figure label="Retried" value={run.retried} />
          <Figure label="Readings / s" value={run.readings_per_second} />
        </dl>
      )}
      {isAdmin ? (
        <details className="backfill">
          <summary>Backfill history</summary>
          <form className="gen-form" onSubmit={onBackfill} aria-label="Backfill">
            {BACKFILL_FIELDS.map((field) => (
              <NumberField key={field.name} {...field} />
            ))}
            <div className="gen-actions">
              <button
                type="submit"
                className="button"
                disabled={backfill.isPending || fill?.state === 'running'}
              >
                Backfill
              </button>
            </div>
          </form>
          {fill && <BackfillProgress {...fill} />}
        </details>
      ) : (
        fill && <BackfillProgress {...fill} />
      )}
    </section>
  );
}

/** The choice a run's protocols came from (a run started elsewhere may have another mix). */
function uploadsOf(protocols: readonly UploadProtocol[] | undefined): string {
  const key = (list: readonly string[]) => [...list].sort().join(',');
  return UPLOADS.find((u) => protocols && key(u.protocols) === key(protocols))?.value ?? 'json';
}

/** A required number input inside its label, starting at `defaultValue` if given. */
function NumberField({
  label,
  name,
  min,
  max,
  fractional = false,
  initial,
  defaultValue = initial,
}: NumberSpec & { defaultValue?: number }) {
  return (
    <label>
      {label}
      <input
        name={name}
        type="number"
        min={min}
        max={max}
        step={fractional ? 'any' : undefined}
        defaultValue={defaultValue}
        required
      />
    </label>
  );
}

function BackfillProgress(fill: {
  state: string;
  progress: number;
  accepted: number;
  planned: number;
}) {
  return (
    <div className="backfill-progress">
      <progress value={fill.progress} max={1} aria-label="Backfill progress" />
      <span>
        <span data-testid="backfill-state">{fill.state}</span> · {formatCount(fill.accepted)} of{' '}
        {formatCount(fill.planned)} readings accepted
      </span>
    </div>
  );
}

function Figure({ label, value }: { label: string; value: number }) {
  return (
    <div className="figure">
      <dt>{label}</dt>
      <dd>{formatCount(value)}</dd>
    </div>
  );
}
