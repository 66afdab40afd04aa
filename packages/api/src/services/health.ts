import {
  completeness,
  expectedIn,
  type HealthState,
  healthOf,
  lateAfterS,
  offlineAfterS,
} from '@weather/core/health';
import {
  type Database,
  type Gap,
  readingGaps,
  readingsPerDay,
  stationHealthFacts,
} from '@weather/db';
import { requireStation } from './weather';

/**
 * How many stations are in each state, and the health of those in `states` (every station when
 * absent): a dashboard asks for the late and offline ones, a short list in a healthy fleet.
 */
export async function fleetHealth(db: Database, nowMs: number, states?: readonly HealthState[]) {
  const all = (await stationHealthFacts(db, { now: new Date(nowMs) })).map((facts) =>
    healthOf(facts, nowMs),
  );
  const counts = { never_seen: 0, online: 0, late: 0, offline: 0 } satisfies Record<
    HealthState,
    number
  >;
  for (const station of all) counts[station.state]++;
  const stations = states ? all.filter((station) => states.includes(station.state)) : all;
  return { at: new Date(nowMs).toISOString(), counts, stations };
}

/** The station-local date `daysBack` calendar days before `now`'s, as YYYY-MM-DD. */
function localDate(nowMs: number, timezone: string, daysBack: number): string {
  // en-CA formats dates as YYYY-MM-DD; calendar days are counted on that date, not in hours,
  // so a 23- or 25-hour day at a DST change is still one day.
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(new Date(nowMs));
  const [year, month, day] = today.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day - daysBack)).toISOString().slice(0, 10);
}

/**
 * One station's health with its completeness per local day over the last `days` days and its
 * gaps (silences longer than an offline spell) over the same span, newest first; the current
 * silence, when it is one, comes first with no end.
 */
export async function stationHealth(db: Database, stationId: string, nowMs: number, days: number) {
  await requireStation(db, stationId);
  const [facts] = await stationHealthFacts(db, { now: new Date(nowMs), stationIds: [stationId] });
  if (!facts) throw new Error(`station ${stationId} vanished`);
  const health = healthOf(facts, nowMs);
  const interval = health.expected_interval_s;
  const minGapS = offlineAfterS(interval);
  const start = new Date(nowMs - days * 86_400_000);
  const [perDay, gaps] = await Promise.all([
    readingsPerDay(db, stationId, localDate(nowMs, facts.timezone, days - 1)),
    readingGaps(db, { stationId, start, minSeconds: minGapS, limit: 50 }),
  ]);
  const today = localDate(nowMs, facts.timezone, 0);
  const byDay = new Map(perDay.map((d) => [d.day, d.readings]));
  const dayList = Array.from({ length: days }, (_, i) => {
    const day = localDate(nowMs, facts.timezone, i);
    const readings = byDay.get(day) ?? 0;
    const seconds = day === today ? facts.day_elapsed_s : 86_400;
    return { day, readings, expected: expectedIn(seconds, interval), completeness: 0 };
  }).map((d) => ({ ...d, completeness: completeness(d.readings, d.expected) }));
  const open: Gap[] =
    health.state === 'offline' && facts.last_reading_at !== null && health.silent_s !== null
      ? [{ start: facts.last_reading_at, end: null, seconds: health.silent_s }]
      : [];
  return {
    ...health,
    gap_threshold_s: minGapS,
    days: dayList,
    gaps: [...open, ...gaps],
    late_after_s: lateAfterS(interval),
    offline_after_s: minGapS,
  };
}
