/**
 * Station health (SPEC §17): the one definition of a station's state from when it was last heard
 * and how often it reports. The fleet and station queries return the facts; the state is decided
 * here, so the dashboard, the API and the alert rules agree.
 */

/** A station's state: never heard from, reporting, overdue, or gone quiet. */
export const HEALTH_STATES = ['never_seen', 'online', 'late', 'offline'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export const HEALTH = {
  /** Late: silent for more than this many expected intervals. */
  lateFactor: 1.5,
  /** Offline: silent for more than this many expected intervals … */
  offlineFactor: 3,
  /** … and at least this long (a station reporting every 10 s is not offline after 31 s). */
  offlineMinS: 300,
  /** The interval assumed until one is registered or can be learned (two readings). */
  defaultIntervalS: 60,
  /** How many of a station's newest readings its interval and clock skew are learned from. */
  recentReadings: 21,
  /** A gap is a silence longer than this many expected intervals (and `offlineMinS`), as offline. */
  gapFactor: 3,
} as const;

/** Where the expected interval came from: registered with the station, or learned from its readings. */
export type IntervalSource = 'registered' | 'learned' | 'assumed';

/** The expected interval in seconds, and where it came from. */
export function expectedInterval(
  registeredS: number | null,
  learnedS: number | null,
): { seconds: number; source: IntervalSource } {
  if (registeredS !== null && registeredS > 0)
    return { seconds: registeredS, source: 'registered' };
  if (learnedS !== null && learnedS > 0) return { seconds: learnedS, source: 'learned' };
  return { seconds: HEALTH.defaultIntervalS, source: 'assumed' };
}

/** The silence after which a station with this interval is offline (also the shortest gap), in s. */
export const offlineAfterS = (intervalS: number) =>
  Math.max(HEALTH.offlineFactor * intervalS, HEALTH.offlineMinS);

/** The state of a station last heard from at `lastSeenMs` (null: never), at `nowMs`. */
export function healthState(
  lastSeenMs: number | null,
  intervalS: number,
  nowMs: number,
): HealthState {
  if (lastSeenMs === null) return 'never_seen';
  const silentS = (nowMs - lastSeenMs) / 1000;
  if (silentS > offlineAfterS(intervalS)) return 'offline';
  if (silentS > HEALTH.lateFactor * intervalS) return 'late';
  return 'online';
}
