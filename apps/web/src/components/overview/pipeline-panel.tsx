'use client';

import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@weather/api';
import {
  Area,
  AreaChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatCount } from '@/lib/format';

/** The consumer's figures as the status procedure passes them on (from its /stats contract). */
type ConsumerFigures = NonNullable<inferRouterOutputs<AppRouter>['pipeline']['status']['consumer']>;

const clock = (iso: string) => new Date(iso).toISOString().slice(11, 16);

/** Throughput and the consumer's counters since it started, with the last 15 minutes' rate. */
export function PipelinePanel({
  consumer,
  stored,
}: {
  consumer: ConsumerFigures | null;
  stored: { count: number; exact: boolean } | null;
}) {
  const figures = [
    {
      label: 'Readings / s',
      value: consumer ? formatCount(consumer.rows_per_second) : '–',
      id: 'rate',
    },
    {
      label: 'Consumer lag',
      value: consumer ? formatCount(consumer.lag.total) : '–',
      id: 'lag',
      hint: 'records',
    },
    {
      label: 'Duplicates dropped',
      value: consumer
        ? formatCount(consumer.duplicates_dropped_memory + consumer.duplicates_dropped_database)
        : '–',
      id: 'duplicates',
    },
    {
      label: 'Dead-lettered',
      value: consumer ? formatCount(consumer.dead_lettered) : '–',
      id: 'dead-lettered',
    },
    {
      label: 'Readings stored',
      value: stored ? `${stored.exact ? '' : '≈ '}${formatCount(stored.count)}` : '–',
      id: 'stored',
    },
  ];
  return (
    <section className="panel" aria-labelledby="pipeline-title">
      <div className="panel-head">
        <h2 id="pipeline-title">Pipeline</h2>
        {consumer?.database_error && (
          <span className="badge badge-down">database: {consumer.database_error}</span>
        )}
        {!consumer && <span className="badge badge-down">consumer unreachable</span>}
      </div>
      <dl className="figures">
        {figures.map((f) => (
          <div key={f.id} className="figure" data-testid={`figure-${f.id}`}>
            <dt>{f.label}</dt>
            <dd>
              {f.value}
              {f.hint && <span className="figure-hint"> {f.hint}</span>}
            </dd>
          </div>
        ))}
      </dl>
      <figure className="rate-chart" data-testid="rate-chart">
        <ResponsiveContainer width="100%" height={140}>
          <AreaChart
            data={consumer?.rate_history ?? []}
            margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
          >
            <CartesianGrid stroke="var(--grid)" vertical={false} />
            <XAxis
              dataKey="t"
              tickFormatter={clock}
              minTickGap={40}
              stroke="var(--muted)"
              fontSize={12}
            />
            <YAxis
              width={48}
              stroke="var(--muted)"
              fontSize={12}
              tickFormatter={(v: number) => formatCount(v)}
            />
            <Tooltip
              labelFormatter={(label) => `${clock(String(label))} UTC`}
              formatter={(value) => [`${formatCount(Number(value))} readings/s`, 'Stored']}
              contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
            />
            <Area
              type="monotone"
              dataKey="rows_per_second"
              stroke="var(--accent)"
              fill="var(--accent-soft)"
              isAnimationActive={false}
            />
          </AreaChart>
        </ResponsiveContainer>
        <figcaption className="chart-caption">
          Readings stored per second, last 15 minutes (UTC)
        </figcaption>
      </figure>
    </section>
  );
}
