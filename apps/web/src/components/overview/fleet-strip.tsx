'use client';

import type { HealthState } from '@weather/core/health';
import Link from 'next/link';
import { STATE_LABELS } from '@/lib/health';

/** The order the strip shows the states in: what needs attention last, beside each other. */
const SHOWN: HealthState[] = ['online', 'late', 'offline', 'never_seen'];

/**
 * How many stations are online, late, offline or never seen (SPEC §17), each a link to the
 * stations table filtered to that state.
 */
export function FleetStrip({
  counts,
  selected,
}: {
  counts: Record<HealthState, number>;
  selected: HealthState | null;
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
              <span className="fleet-count">{counts[state]}</span>
              <span className="fleet-label">{STATE_LABELS[state]}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
