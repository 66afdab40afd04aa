/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago" — for last-seen columns. */
export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** A station is stale when it has not been heard from for this long. */
export const STALE_AFTER_MS = 10 * 60 * 1000;

export const isStale = (lastSeenIso: string, now = Date.now()) =>
  now - Date.parse(lastSeenIso) > STALE_AFTER_MS;

/** 1234567 → "1,234,567"; fractional rates keep one decimal below 100. */
export function formatCount(value: number): string {
  if (value < 100 && !Number.isInteger(value)) return value.toFixed(1);
  return Math.round(value).toLocaleString('en-US');
}
