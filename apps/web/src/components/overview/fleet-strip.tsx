'use client';

import type { HealthState } from '@weather/core/health';
import Link from 'next/link';
import { STATE_LABELS } from '@/lib/health';

/** The order the strip shows the states in: what needs attention last, beside each other. */
const SHOWN: HealthState[] = ['online', 'late', 'offline', 'never_seen'];

/**
 * How many stations are online, late, offline or never seen (SPEC §17), each a link to the
 * stations table filtered to that state, and how many alerts are firing (a link to them).
 */
export function FleetStrip({
  counts,
  selected,
  firing,
}: {
  counts: Record<HealthState, number>;
  selected: HealthState | null;
  /** Alerts firing now; undefined until known. */
  firing?: number;
}) {
  const total = SHOWN.reduce((n, state) => n + counts[state], 0);
  return (
    <section className="panel fleet-strip" aria-labelledby="fleet-title">
      <div className="panel-head">
        <h2 id="fleet-title">Fleet</h2>
        <span className="muted">{total} stations</span>
      </div>
      <ul className="fleet-grid">
        {SHOWN.map((state) => (
          <li key={state}>
            <Link
              href={selected === state ? '/#stations' : `/?state=${state}#stations`}
              className={`fleet-tile fleet-${state}${counts[state] > 0 ? ' fleet-some' : ''}`}
              aria-current={selected === state ? 'true' : undefined}
              data-testid={`fleet-${state}`}
            >
              <span className="fleet-count">{counts[state]}</span>{' '}
              <span className="fleet-label">{STATE_LABELS[state]}</span>
            </Link>
          </li>
        ))}
        {firing !== undefined ? (
          <li>
            <Link
              href="/alerts"
              className={`fleet-tile fleet-offline${firing > 0 ? ' fleet-some' : ''}`}
              data-testid="fleet-firing"
            >
              <span className="fleet-count">{firing}</span>{' '}
              <span className="fleet-label">{firing === 1 ? 'alert firing' : 'alerts firing'}</span>
            </Link>
          </li>
        ) : null}
      </ul>
    </section>
  );
}
