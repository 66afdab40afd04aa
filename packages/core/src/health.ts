/**
 * Station health (SPEC §17): the one definition of a station's state from when it was last heard
 * and how often it reports. The fleet and station queries return the facts; the state is decided
 * here, so the dashboard, the API and the alert rules agree.
 */

/** A station's state: never heard from, reporting, overdue, or gone quiet. */
export const HEALTH_STATES = ['never_seen', 'online', 'late', 'offline'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export const HEALTH = {
  /** Late: silent for more than this many expected intervals … */
  lateFactor: 1.5,
  /**
   * … and at least this long: a station reporting every second, or sending its readings in
   * batches, would otherwise flap between online and late with every upload's jitter.
   */
  lateMinS: 30,
  /** Offline: silent for more than this many expected intervals … */
  offlineFactor: 3,
  /** … and at least this long (a station reporting every 10 s is not offline after 31 s). */
  offlineMinS: 300,
  /** The interval assumed until one is registered or can be learned (two readings). */
  defaultIntervalS: 60,
  /** How many of a station's newest readings its interval and clock skew are learned from. */
  recentReadings: 11,
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

/** The silence after which a station with this interval is late, in s. */
export const lateAfterS = (intervalS: number) =>
  Math.max(HEALTH.lateFactor * intervalS, HEALTH.lateMinS);

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
  if (silentS > lateAfterS(intervalS)) return 'late';
  return 'online';
}

/** What is known of a station's reporting, for its health (the fleet query's row). */
export interface StationHealthFacts {
  station_id: string;
  name: string | null;
  tags: string[];
  timezone: string;
  /** Registered seconds between readings; null when not registered. */
  expected_interval_s: number | null;
  /** Median spacing of its newest readings, in s; null with fewer than two. */
  learned_interval_s: number | null;
  /** When a reading of it last arrived (received time); null when never. */
  last_seen: string | null;
  /** Its newest reading's timestamp. */
  last_reading_at: string | null;
  /**
   * Median of (received − observed) over its newest readings received in the last hour, in s:
   * positive when its clock is slow (or it uploads late), negative when fast; null without any.
   */
  clock_skew_s: number | null;
  /** Its newest reported battery state; null when it reports none. */
  battery_low: boolean | null;
  /** Readings stored for its local day so far, and how far into that day `now` is, in s. */
  readings_today: number;
  day_elapsed_s: number;
}

/** A station's health (SPEC §17): its state and the facts it was decided from. */
export interface StationHealth {
  station_id: string;
  name: string | null;
  tags: string[];
  timezone: string;
  state: HealthState;
  last_seen: string | null;
  last_reading_at: string | null;
  /** Seconds between readings the state is judged by, and where that came from. */
  expected_interval_s: number;
  interval_source: IntervalSource;
  /** Seconds since `last_seen`; null when never seen. */
  silent_s: number | null;
  clock_skew_s: number | null;
  battery_low: boolean | null;
  /** Readings stored today (station-local day) and the share of those expected so far, 0–1. */
  readings_today: number;
  completeness_today: number | null;
}

/** Expected readings in `seconds` at one per `intervalS` (at least one once the span has begun). */
export const expectedIn = (seconds: number, intervalS: number) =>
  Math.max(1, Math.floor(seconds / intervalS));

/** The share of expected readings stored, capped at 1 (a station may report faster than expected). */
export const completeness = (readings: number, expected: number) =>
  Math.min(1, readings / expected);

export function healthOf(facts: StationHealthFacts, nowMs: number): StationHealth {
  const interval = expectedInterval(facts.expected_interval_s, facts.learned_interval_s);
  const lastSeenMs = facts.last_seen === null ? null : Date.parse(facts.last_seen);
  return {
    station_id: facts.station_id,
    name: facts.name,
    tags: facts.tags,
    timezone: facts.timezone,
    state: healthState(lastSeenMs, interval.seconds, nowMs),
    last_seen: facts.last_seen,
    last_reading_at: facts.last_reading_at,
    expected_interval_s: interval.seconds,
    interval_source: interval.source,
    silent_s: lastSeenMs === null ? null : Math.max(0, Math.round((nowMs - lastSeenMs) / 1000)),
    clock_skew_s: facts.clock_skew_s,
    battery_low: facts.battery_low,
    readings_today: facts.readings_today,
    completeness_today:
      lastSeenMs === null
        ? null
        : completeness(facts.readings_today, expectedIn(facts.day_elapsed_s, interval.seconds)),
  };
}
