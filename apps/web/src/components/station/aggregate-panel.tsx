'use client';

import { MEASUREMENT_NAMES, type Measurement } from '@weather/core/measurements';
import {
  type AggregateResult,
  colorOf,
  compassName,
  formatDateTime,
  formatValue,
  isDirection,
  isFlagMeasurement,
  labelOf,
} from '@/lib/chart-data';

/** The range's figures: how many readings, first and last, and min/avg/max of each measurement. */
export function AggregatePanel({
  aggregate,
  present,
  title,
  span,
  includeFlagged = false,
}: {
  aggregate: AggregateResult;
  /** Whether flagged values are in the figures (`include_flagged`). */
  includeFlagged?: boolean;
  /** The measurements the station has (as its charts); the others get no tile. */
  present: ReadonlySet<Measurement>;
  /** "Last 24 hours" or "Custom range". */
  title: string;
  /** The range in words, e.g. "Nov 27 06:51 – Nov 28 06:51 UTC". */
  span: string;
}) {
  return (
    <section
      className="panel station-aggregate"
      data-testid="aggregate"
      aria-labelledby="aggregate-title"
    >
      <div className="panel-head">
        <h2 id="aggregate-title">{title}</h2>
        <span className="muted station-span">{span}</span>
      </div>
      <dl className="station-facts">
        <Fact label="Readings" value={aggregate.count.toLocaleString('en-US')} />
        <Fact
          label="First reading"
          value={
            aggregate.first_timestamp ? `${formatDateTime(aggregate.first_timestamp)} UTC` : '–'
          }
        />
        <Fact
          label="Last reading"
          value={aggregate.last_timestamp ? `${formatDateTime(aggregate.last_timestamp)} UTC` : '–'}
        />
      </dl>
      {aggregate.count > 0 ? (
        <ul className="station-stats">
          {MEASUREMENT_NAMES.filter(
            (name) => present.has(name) || aggregate.measurements[name].count > 0,
          ).map((name) => (
            <StatTile
              key={name}
              name={name}
              aggregate={aggregate}
              includeFlagged={includeFlagged}
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div className="station-fact">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function StatTile({
  name,
  aggregate,
  includeFlagged,
}: {
  name: Measurement;
  aggregate: AggregateResult;
  includeFlagged: boolean;
}) {
  const stats = aggregate.measurements[name];
  // What the big figure is: a mean, the mean direction, or the range's total.
  let kind = 'avg';
  let main = formatValue(name, stats.avg);
  let detail = [`min ${formatValue(name, stats.min)}`, `max ${formatValue(name, stats.max)}`];
  if (stats.count === 0) {
    kind = '';
    main = '–';
    detail = ['no readings'];
  } else if (isDirection(name)) {
    // Min and max of a compass direction say nothing (350° and 10° are neighbours).
    kind = '';
    detail = [`from the ${compassName(stats.avg)}`];
  } else if (isFlagMeasurement(name)) {
    // A flag's mean is the share of readings with it set; its min and max are 0 or 1.
    kind = 'share';
    detail = [`of ${stats.count} readings`];
  } else if ('sum' in stats) {
    kind = 'total';
    main = formatValue(name, stats.sum);
    detail = [`max ${formatValue(name, stats.max)}`, 'in one reading'];
  }
  return (
    <li
      className="station-stat"
      style={{ borderTopColor: colorOf(name) }}
      data-testid={`aggregate-${name}`}
    >
      <span className="station-stat-label">
        {labelOf(name)}
        {kind ? <span className="station-stat-kind">{kind}</span> : null}
      </span>
      <span className="station-stat-value">{main}</span>
      {detail.map((line) => (
        <span key={line} className="station-stat-detail">
          {line}
        </span>
      ))}
      {stats.flagged > 0 ? (
        <span className="station-stat-detail qc-flagged">
          {stats.flagged.toLocaleString('en-US')} flagged,{' '}
          {includeFlagged ? 'included' : 'left out'}
        </span>
      ) : null}
    </li>
  );
}

export function AggregateSkeleton() {
  return (
    <div className="panel skeleton station-aggregate-skeleton" aria-busy="true">
      <span className="visually-hidden">Loading figures…</span>
    </div>
  );
}
