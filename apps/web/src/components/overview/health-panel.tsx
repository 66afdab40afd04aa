'use client';

type Health = { name: string; status: 'up' | 'degraded' | 'down'; detail: string };

const LABELS: Record<string, string> = {
  collector: 'Collector',
  consumer: 'Consumer',
  query: 'Query service',
  kafka: 'Kafka',
  database: 'Database',
  redis: 'Redis',
  generator: 'Generator',
};

/** One tile per part; anything not up says what is wrong. */
export function HealthPanel({ services }: { services: Health[] }) {
  const down = services.filter((s) => s.status !== 'up' && s.name !== 'generator');
  return (
    <section className="panel" aria-labelledby="health-title">
      <div className="panel-head">
        <h2 id="health-title">Health</h2>
        <span
          className={`badge ${down.length === 0 ? 'badge-up' : 'badge-down'}`}
          data-testid="overall-health"
        >
          {down.length === 0
            ? 'All systems running'
            : `${down.length} part${down.length > 1 ? 's' : ''} degraded`}
        </span>
      </div>
      <ul className="health-grid">
        {services.map((s) => (
          <li
            key={s.name}
            className={`health-tile health-${s.status}`}
            data-testid={`health-${s.name}`}
          >
            <span className="health-dot" aria-hidden="true" />
            <span className="health-name">{LABELS[s.name] ?? s.name}</span>
            <span className="health-status">{s.status}</span>
            {s.status !== 'up' && <span className="health-detail">{s.detail}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
