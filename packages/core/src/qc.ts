/**
 * Temporal-consistency QC (SPEC §14): the checks that need a reading's neighbours, run after
 * the readings are stored, as later data arrives. Pure functions over one station's readings in
 * time order; they only ever add flags, and never change a value. The per-measurement rules
 * (spike size and window, how long a value may stay unchanged) live in the catalogue; the clock
 * check's limits are here.
 */

import { DERIVED_FROM } from './derived';
import { type Catalogue, MEASUREMENTS, type QcRules } from './measurements';
import { QC_TIMESTAMP, type QcCode, type QcFlags, SUSPECT_CODES } from './reading';

/** How far observation time may be from arrival before the station's clock is doubted. */
export const CLOCK_LIMITS = {
  /**
   * Ahead of the arrival by more than this: the collector accepts up to 5 minutes (a clock a
   * little fast), but a reading from the future is wrong by at least that much.
   */
  aheadS: 120,
  /**
   * Behind by more than this on two readings in a row that arrived at the pace they were
   * observed: a clock running slow. A backlog (a station catching up after an outage) arrives
   * faster than it was observed and is not flagged.
   */
  behindS: 600,
} as const;

/** One stored reading as the checks see it: times in epoch milliseconds. */
export interface QcRow {
  ts: number;
  received: number;
  values: Readonly<Record<string, number | boolean | null>>;
  qc: QcFlags | null;
}

/** What is known from before the rows: where the run of each measurement's first value began. */
export interface QcContext {
  /**
   * Per measurement, the time of the first reading of the unchanged run that the rows' first
   * value of it continues (earlier than the rows), when there is one.
   */
  runSince?: Partial<Record<string, number>>;
}

/** The measurements a catalogue gives QC rules for, with their rules. */
export const qcRulesOf = (catalogue: Catalogue = MEASUREMENTS) =>
  Object.entries(catalogue).flatMap(([name, spec]) =>
    spec.qc ? [[name, spec.qc] as [string, QcRules]] : [],
  );

/** Whether any value of a reading, or its time, is doubtful (what `doubtful` stores). */
export function hasDoubt(qc: QcFlags | null | undefined): boolean {
  if (!qc) return false;
  return Object.values(qc).some((codes) =>
    (codes ?? []).some((code) => (SUSPECT_CODES as readonly string[]).includes(code)),
  );
}

/** Whether a value's flags, or its reading's time, already make it doubtful. */
export function isSuspect(qc: QcFlags | null, name: string): boolean {
  if (!qc) return false;
  if (qc[QC_TIMESTAMP]) return true;
  return (qc[name] ?? []).some((code) => (SUSPECT_CODES as readonly string[]).includes(code));
}

interface Point {
  /** Index into the rows. */
  at: number;
  ts: number;
  value: number;
}

/**
 * The sound numeric values of one measurement, in time order; a value doubted only for `kept`
 * counts as sound (a stuck run's flagged readings still belong to the run).
 */
function pointsOf(rows: readonly QcRow[], name: string, kept?: QcCode): Point[] {
  const points: Point[] = [];
  rows.forEach((row, at) => {
    const value = row.values[name];
    if (typeof value !== 'number') return;
    const qc = kept && row.qc?.[name]?.includes(kept) ? withoutCode(row.qc, name, kept) : row.qc;
    if (!isSuspect(qc, name)) points.push({ at, ts: row.ts, value });
  });
  return points;
}

const withoutCode = (qc: QcFlags, name: string, code: QcCode): QcFlags => ({
  ...qc,
  [name]: (qc[name] ?? []).filter((c) => c !== code),
});

/**
 * Indexes of the rows whose value leaves both neighbours by more than `delta`, on the same
 * side, each neighbour within `withinS`. The newest value has no next neighbour yet: it is
 * decided when one arrives.
 */
export function spikes(
  rows: readonly QcRow[],
  name: string,
  rule: { delta: number; withinS: number },
): number[] {
  const points = pointsOf(rows, name);
  const within = rule.withinS * 1000;
  const found: number[] = [];
  for (let i = 1; i < points.length - 1; i++) {
    const [prev, p, next] = [points[i - 1], points[i], points[i + 1]] as [Point, Point, Point];
    if (p.ts - prev.ts > within || next.ts - p.ts > within) continue;
    const up = p.value - prev.value > rule.delta && p.value - next.value > rule.delta;
    const down = prev.value - p.value > rule.delta && next.value - p.value > rule.delta;
    if (up || down) found.push(p.at);
  }
  return found;
}

/**
 * Indexes of the rows in runs of one unchanged value lasting at least `hours` (from the run's
 * first reading to its last, over at least 3 readings); `since` is where the run of the first
 * value began before the rows, if it did. Missing values do not break a run.
 */
export function persistent(
  rows: readonly QcRow[],
  name: string,
  hours: number,
  since?: number,
): number[] {
  const points = pointsOf(rows, name, 'persistence');
  const span = hours * 3_600_000;
  const found: number[] = [];
  let start = 0;
  for (let i = 1; i <= points.length; i++) {
    const run = points[start] as Point;
    if (i < points.length && (points[i] as Point).value === run.value) continue;
    // The run is points[start … i-1]; the first run may have begun before the rows.
    const last = points[i - 1] as Point;
    const from = start === 0 && since !== undefined ? Math.min(since, run.ts) : run.ts;
    const readings = i - start + (from < run.ts ? 1 : 0);
    if (last.ts - from >= span && readings >= 3) {
      for (let j = start; j < i; j++) found.push((points[j] as Point).at);
    }
    start = i;
  }
  return found;
}

/** Indexes of the rows whose observation time is doubtful (see CLOCK_LIMITS). */
export function clockSkewed(rows: readonly QcRow[]): number[] {
  const ahead = CLOCK_LIMITS.aheadS * 1000;
  const behind = CLOCK_LIMITS.behindS * 1000;
  const found: number[] = [];
  rows.forEach((row, i) => {
    if (row.ts - row.received > ahead) {
      found.push(i);
      return;
    }
    const prev = rows[i - 1];
    if (!prev || row.received - row.ts <= behind || prev.received - prev.ts <= behind) return;
    // Arrived at (at least half) the pace it was observed: not a backlog being caught up.
    if (row.received - prev.received >= 0.5 * (row.ts - prev.ts)) found.push(i);
  });
  return found;
}

/**
 * The flags to add to `rows` (one station's readings in time order): by row index, only the
 * codes a row does not have yet. Empty when nothing is new.
 */
export function qcFlags(
  rows: readonly QcRow[],
  context: QcContext = {},
  catalogue: Catalogue = MEASUREMENTS,
): Map<number, QcFlags> {
  const added = new Map<number, QcFlags>();
  const add = (at: number, key: string, code: QcCode) => {
    const row = rows[at] as QcRow;
    if (row.qc?.[key]?.includes(code)) return;
    const flags = added.get(at) ?? {};
    if (!flags[key]?.includes(code)) flags[key] = [...(flags[key] ?? []), code];
    added.set(at, flags);
  };
  // Clock first: a reading at a doubtful time is left out of the checks of its neighbours.
  for (const at of clockSkewed(rows)) add(at, QC_TIMESTAMP, 'clock');
  const checked = rows.map((row, at) => {
    const flags = added.get(at);
    return flags ? { ...row, qc: { ...row.qc, ...flags } } : row;
  });
  for (const [name, rules] of qcRulesOf(catalogue)) {
    if (rules.spike) for (const at of spikes(checked, name, rules.spike)) add(at, name, 'spike');
    if (rules.persistenceH !== undefined) {
      const since = context.runSince?.[name];
      for (const at of persistent(checked, name, rules.persistenceH, since)) {
        add(at, name, 'persistence');
      }
    }
  }
  // A value derived at ingest from a doubtful one is as doubtful (a spiking temperature makes
  // its dew point and heat index spike too).
  for (const [at, flags] of [...added]) {
    const row = rows[at] as QcRow;
    for (const [derived, inputs] of Object.entries(DERIVED_FROM)) {
      if (!row.qc?.[derived]?.includes('derived')) continue;
      for (const input of inputs) {
        for (const code of flags[input] ?? []) add(at, derived, code);
      }
    }
  }
  return added;
}

/** `qc` with `more` merged in (codes unioned per key); null stays null when nothing is added. */
export function mergeQc(qc: QcFlags | null, more: QcFlags): QcFlags {
  const merged: QcFlags = { ...qc };
  for (const [key, codes] of Object.entries(more)) {
    const have = merged[key] ?? [];
    merged[key] = [...have, ...(codes ?? []).filter((code) => !have.includes(code))];
  }
  return merged;
}
