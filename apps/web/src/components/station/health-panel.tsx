'use client';

import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@weather/api';
import { formatDateTime } from '@/lib/chart-data';
import { relativeTime } from '@/lib/format';
import { formatDuration, formatSkew, STATE_LABELS } from '@/lib/health';
import { errorMessage, type QueryError } from './query-errors';

type Health = inferRouterOutputs<AppRouter>['stations']['stationHealth'];

const SOURCES: Record<Health['interval_source'], string> = {
  registered: 'registered',
  learned: 'learned from its readings',
  assumed: 'assumed until it can be learned',
};

/**
 * A station's health (SPEC §17): its state and why, how complete each of its local days is, and
 * its gaps (silences longer than an offline spell).
 */
export function StationHealthPanel({
  health,
  error,
  now,
}: {
  health: Health | undefined;
  error: QueryError | null;
  now: number;
}) {
  if (error) {
    return (
      <section className="panel panel-error" role="alert">
        <h2>Health</h2>
        <p>Could not load its health: {errorMessage(error)}</p>
      </section>
    );
  }
  if (!health) return <div className="panel skeleton" style={{ height: 220 }} aria-busy="true" />;
  return (
    <section className="panel" aria-labelledby="station-health-title" data-testid="station-health">
      <div className="panel-head">
        <h2 id="station-health-title">Health</h2>
        <span className={`badge badge-${health.state}`} data-testid="station-state">
          {STATE_LABELS[health.state]}
        </span>
      </div>
      <dl className="station-facts health-facts">
        <Fact
          label="Last heard"
          value={health.last_seen ? relativeTime(health.last_seen, now) : 'never'}
          title={health.last_seen ?? undefined}
        />
        <Fact
          label="Expected every"
          value={`${formatDuration(health.expected_interval_s)} (${SOURCES[health.interval_source]})`}
        />
        <Fact
          label="Late after / offline after"
          value={`${formatDuration(health.late_after_s)} / ${formatDuration(health.offline_after_s)} of silence`}
        />
        <Fact label="Clock" value={formatSkew(health.clock_skew_s)} testId="station-skew" />
        <Fact
          label="Battery"
          value={health.battery_low === null ? 'not reported' : health.battery_low ? 'low' : 'OK'}
        />
      </dl>
      <h3 className="health-subtitle">Completeness per day ({health.timezone})</h3>
      <ol className="completeness" data-testid="completeness">
        {[...health.days].reverse().map((d) => (
          <li key={d.day} title={`${d.readings} of ${d.expected} expected readings`}>
            <span className="completeness-bar" aria-hidden="true">
              <span style={{ height: `${Math.round(d.completeness * 100)}%` }} />
            </span>
            <span className="completeness-value">{Math.round(d.completeness * 100)}%</span>
            <span className="completeness-day muted">{d.day.slice(5)}</span>
          </li>
        ))}
      </ol>
      <h3 className="health-subtitle">
        Gaps (silences over {formatDuration(health.gap_threshold_s)})
      </h3>
      {health.gaps.length === 0 ? (
        <p className="muted">None in these {health.days.length} days.</p>
      ) : (
        <table className="gaps-table" data-testid="gaps">
          <thead>
            <tr>
              <th>From (last reading, UTC)</th>
              <th>To (next reading)</th>
              <th>Length</th>
            </tr>
          </thead>
          <tbody>
            {health.gaps.map((gap) => (
              <tr key={gap.start}>
                <td>{formatDateTime(Date.parse(gap.start))}</td>
                <td>{gap.end ? formatDateTime(Date.parse(gap.end)) : 'still silent'}</td>
                <td>{formatDuration(gap.seconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Fact({
  label,
  value,
  title,
  testId,
}: {
  label: string;
  value: string;
  title?: string;
  testId?: string;
}) {
  return (
    <div className="station-fact">
      <dt>{label}</dt>
      <dd title={title} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
