import type { HealthState } from '@weather/core/health';

/** How each station state reads on the dashboard. */
export const STATE_LABELS: Record<HealthState, string> = {
  online: 'online',
  late: 'late',
  offline: 'offline',
  never_seen: 'never seen',
};

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h": a duration in seconds, as people say it. */
export function formatDuration(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  if (s < 90) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** "10 min slow", "4 min fast", "on time" (within 30 s): a clock skew in seconds. */
export function formatSkew(seconds: number | null): string {
  if (seconds === null) return '–';
  if (Math.abs(seconds) < 30) return 'on time';
  return `${formatDuration(seconds)} ${seconds > 0 ? 'slow' : 'fast'}`;
}
