/** A tiny inline line (plain SVG: one per table row, so no chart library per row). */
export function Sparkline({ values, label }: { values: (number | null)[]; label: string }) {
  const present = values.filter((v): v is number => v !== null);
  if (present.length < 2) return <span className="sparkline-empty">–</span>;
  const min = Math.min(...present);
  const max = Math.max(...present);
  const span = max - min || 1;
  const w = 96;
  const h = 24;
  const step = w / (values.length - 1);
  // Gaps break the line rather than bridging it.
  const segments: string[] = [];
  let current = '';
  values.forEach((v, i) => {
    if (v === null) {
      if (current) segments.push(current);
      current = '';
      return;
    }
    const point = `${(i * step).toFixed(1)},${(h - 2 - ((v - min) / span) * (h - 4)).toFixed(1)}`;
    current = current ? `${current} ${point}` : point;
  });
  if (current) segments.push(current);
  return (
    <svg
      className="sparkline"
      width={w}
      height={h}
      viewBox={`0 0 ${w} ${h}`}
      role="img"
      aria-label={label}
    >
      {segments.map((points) => (
        <polyline
          key={points}
          points={points}
          fill="none"
          stroke="var(--accent)"
          strokeWidth="1.5"
        />
      ))}
    </svg>
  );
}
