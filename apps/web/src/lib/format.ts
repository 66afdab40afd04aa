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

/** A station that never reported is not stale: it has nothing to be late with yet. */
export const isStale = (lastSeenIso: string | null, now = Date.now()) =>
  lastSeenIso !== null && now - Date.parse(lastSeenIso) > STALE_AFTER_MS;

/** "52.52° N, 13.40° E"; null unless both are known. */
export function formatCoordinates(latitude: number | null, longitude: number | null) {
  if (latitude === null || longitude === null) return null;
  const part = (value: number, positive: string, negative: string) =>
    `${Math.abs(value).toFixed(2)}° ${value < 0 ? negative : positive}`;
  return `${part(latitude, 'N', 'S')}, ${part(longitude, 'E', 'W')}`;
}

/** "34 m", "1,250.5 m" above sea level. */
export const formatElevation = (metres: number) =>
  `${metres.toLocaleString('en-US', { maximumFractionDigits: 1 })} m`;

/** 1234567 → "1,234,567"; fractional rates keep one decimal below 100. */
export function formatCount(value: number): string {
  if (value < 100 && !Number.isInteger(value)) return value.toFixed(1);
  return Math.round(value).toLocaleString('en-US');
}

/** "2026-06-01 10:00 UTC": a registry time to the minute (seconds go in a title). */
export function formatUtcMinute(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '–';
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
