import { formatDateTime } from '@/lib/chart-data';
import { formatUtcMinute, relativeTime } from '@/lib/format';

/** A stored time: relative when given `now`, else to the minute; `never` when there is none. */
export function Moment({ iso, never, now }: { iso: string | null; never: string; now?: number }) {
  if (iso === null) return <span className="muted">{never}</span>;
  return (
    <time dateTime={iso} title={`${formatDateTime(iso)} UTC`}>
      {now === undefined ? formatUtcMinute(iso) : relativeTime(iso, now)}
    </time>
  );
}
