'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { formatCount } from '@/lib/format';
import { useTRPC } from '@/trpc/react';

const num = (form: FormData, name: string) => Number(form.get(name));

/** Start/stop the station simulator with its main settings, its live counts, and backfill. */
export function GeneratorPanel() {
  const trpc = useTRPC();
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
        : run
          ? 'stopped'
          : 'idle';
  const fill = status.data?.backfill ?? null;

  const onStart = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    start.mutate({
      stations: num(form, 'stations'),
      interval: num(form, 'interval'),
      batch_size: num(form, 'batch_size'),
      duplicate_percent: num(form, 'duplicate_percent'),
      use_batch: useBatch,
    });
  };
  const onBackfill = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    backfill.mutate({
      stations: num(form, 'stations'),
      days: num(form, 'days'),
      interval: num(form, 'interval'),
    });
  };
  const error = start.error ?? stop.error ?? backfill.error;

  return (
    <section className="panel" aria-labelledby="generator-title" data-testid="generator-panel">
      <div className="panel-head">
        <h2 id="generator-title">Generator</h2>
        <span
          className={`badge ${running ? 'badge-up' : state === 'unreachable' ? 'badge-down' : 'badge-idle'}`}
          data-testid="generator-state"
        >
          {state === 'idle' ? 'not started' : state}
        </span>
      </div>
      {status.error && (
        <p className="error-text">The generator does not answer: {status.error.message}</p>
      )}
      <form className="gen-form" onSubmit={onStart} aria-label="Live run">
        <label>
          Stations
          <input
            name="stations"
            type="number"
            min={1}
            max={10000}
            defaultValue={run?.options.stations ?? 10}
            required
          />
        </label>
        <label>
          Interval (s)
          <input
            name="interval"
            type="number"
            min={0.05}
            max={3600}
            step="any"
            defaultValue={run?.options.interval ?? 1}
            required
          />
        </label>
        <label>
          Batch size
          <input
            name="batch_size"
            type="number"
            min={1}
            max={1000}
            defaultValue={run?.options.batch_size ?? 5}
            required
          />
        </label>
        <label>
          Duplicates (%)
          <input
            name="duplicate_percent"
            type="number"
            min={0}
            max={90}
            step="any"
            defaultValue={run?.options.duplicate_percent ?? 20}
            required
          />
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
      {error && (
        <p className="error-text" role="alert">
          {error.message}
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
      <details className="backfill">
        <summary>Backfill history</summary>
        <form className="gen-form" onSubmit={onBackfill} aria-label="Backfill">
          <label>
            Stations
            <input name="stations" type="number" min={1} max={10000} defaultValue={10} required />
          </label>
          <label>
            Days
            <input
              name="days"
              type="number"
              min={0.01}
              max={366}
              step="any"
              defaultValue={1}
              required
            />
          </label>
          <label>
            Every (s)
            <input name="interval" type="number" min={1} max={86400} defaultValue={60} required />
          </label>
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
        {fill && (
          <div className="backfill-progress">
            <progress value={fill.progress} max={1} aria-label="Backfill progress" />
            <span>
              <span data-testid="backfill-state">{fill.state}</span> · {formatCount(fill.accepted)}{' '}
              of {formatCount(fill.planned)} readings accepted
            </span>
          </div>
        )}
      </details>
    </section>
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
