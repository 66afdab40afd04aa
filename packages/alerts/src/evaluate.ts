/**
 * Alert evaluation (SPEC §17), pure: from the rules, each station's health and newest reading,
 * and the alerts already open, what changes. An alert of a rule and station is `pending` while
 * its condition has held for less than the rule's duration, then `firing`, then `resolved` once
 * the condition has cleared — for a threshold, past its clearing value (hysteresis), so a value
 * hovering at the threshold neither fires twice nor flaps.
 */
import type { HealthState } from '@weather/core/health';
import type { AlertState, RuleKind, RuleScope, ThresholdDirection } from '@weather/db';

export interface Rule {
  id: number;
  kind: RuleKind;
  scope: RuleScope;
  target: string | null;
  measurement: string | null;
  direction: ThresholdDirection | null;
  threshold: number | null;
  clearAt: number | null;
  forSeconds: number;
}

/** What is known of a station when rules are evaluated. */
export interface StationView {
  stationId: string;
  tags: readonly string[];
  state: HealthState;
  batteryLow: boolean | null;
  /** Its newest reading: time (ms) and values; null when it has none. */
  latest: { at: number; values: Record<string, unknown> } | null;
}

export interface OpenAlert {
  id: number;
  ruleId: number;
  stationId: string;
  state: Exclude<AlertState, 'resolved'>;
  /** When the condition was first seen to hold (ms). */
  since: number;
}

export type Change =
  | {
      kind: 'open';
      ruleId: number;
      stationId: string;
      since: number;
      value: number | null;
      fire: boolean;
    }
  | { kind: 'fire'; alertId: number; value: number | null }
  | { kind: 'drop'; alertId: number }
  | { kind: 'resolve'; alertId: number; value: number | null };

/** Whether a rule covers a station. */
export function covers(rule: Rule, station: StationView): boolean {
  if (rule.scope === 'all') return true;
  if (rule.scope === 'station') return rule.target === station.stationId;
  return rule.target !== null && station.tags.includes(rule.target);
}

/**
 * A rule's verdict on a station: the condition `holds` (with the time it was seen and the value),
 * has `cleared`, or neither (no data to say, or a threshold value between the clearing value
 * and the threshold).
 */
type Verdict =
  | { holds: true; at: number; value: number | null }
  | { holds: false; cleared: boolean; value: number | null };

function verdict(rule: Rule, station: StationView, nowMs: number): Verdict {
  switch (rule.kind) {
    case 'offline':
      // Back once it is heard from again (late is not yet offline, and not back either).
      return station.state === 'offline'
        ? { holds: true, at: nowMs, value: null }
        : { holds: false, cleared: station.state === 'online', value: null };
    case 'battery_low':
      return station.batteryLow === true
        ? { holds: true, at: nowMs, value: null }
        : { holds: false, cleared: station.batteryLow === false, value: null };
    case 'threshold': {
      const raw = rule.measurement ? station.latest?.values[rule.measurement] : undefined;
      if (typeof raw !== 'number' || !station.latest || rule.threshold === null) {
        return { holds: false, cleared: false, value: null };
      }
      const above = rule.direction === 'above';
      const clearAt = rule.clearAt ?? rule.threshold;
      const beyond = above ? raw > rule.threshold : raw < rule.threshold;
      if (beyond) return { holds: true, at: station.latest.at, value: raw };
      return { holds: false, cleared: above ? raw <= clearAt : raw >= clearAt, value: raw };
    }
  }
}

/**
 * The changes that bring the open alerts in line with the rules and stations. Threshold
 * durations are measured in the data's time (the readings' timestamps), the others in `nowMs`.
 */
export function evaluate(
  rules: readonly Rule[],
  stations: readonly StationView[],
  open: readonly OpenAlert[],
  nowMs: number,
): Change[] {
  const openByKey = new Map(open.map((a) => [`${a.ruleId}\u0000${a.stationId}`, a]));
  const changes: Change[] = [];
  for (const rule of rules) {
    for (const station of stations) {
      if (!covers(rule, station)) continue;
      const alert = openByKey.get(`${rule.id}\u0000${station.stationId}`);
      const v = verdict(rule, station, nowMs);
      if (v.holds) {
        if (!alert) {
          changes.push({
            kind: 'open',
            ruleId: rule.id,
            stationId: station.stationId,
            since: v.at,
            value: v.value,
            fire: rule.forSeconds === 0,
          });
        } else if (alert.state === 'pending' && v.at - alert.since >= rule.forSeconds * 1000) {
          changes.push({ kind: 'fire', alertId: alert.id, value: v.value });
        }
        continue;
      }
      if (!alert) continue;
      // A pending alert whose condition broke before its duration never fired: it is dropped.
      // A firing one resolves only once the condition has cleared (past the hysteresis).
      if (alert.state === 'pending') changes.push({ kind: 'drop', alertId: alert.id });
      else if (v.cleared) changes.push({ kind: 'resolve', alertId: alert.id, value: v.value });
    }
  }
  return changes;
}
