import { describe, expect, it } from 'vitest';
import { type Change, evaluate, type OpenAlert, type Rule, type StationView } from '../src';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const MIN = 60_000;

const rule = (over: Partial<Rule> = {}): Rule => ({
  id: 1,
  kind: 'threshold',
  scope: 'all',
  target: null,
  measurement: 'wind_gust',
  direction: 'above',
  threshold: 20,
  clearAt: 17,
  forSeconds: 600,
  ...over,
});

const station = (over: Partial<StationView> = {}): StationView => ({
  stationId: 'A',
  tags: ['coast'],
  state: 'online',
  batteryLow: null,
  latest: null,
  ...over,
});

const gust = (value: number, atMs: number) =>
  station({ latest: { at: atMs, values: { wind_gust: value } } });

/**
 * Runs a sequence of (time, gust) observations through evaluate, applying its changes to the
 * open alerts as the worker would, and returns every firing/resolving in order.
 */
function replay(r: Rule, observations: [number, number][]) {
  let open: OpenAlert[] = [];
  let nextId = 1;
  const events: string[] = [];
  const start = observations[0]?.[0] ?? 0;
  for (const [t, value] of observations) {
    const changes: Change[] = evaluate([r], [gust(value, t)], open, t);
    for (const c of changes) {
      if (c.kind === 'open') {
        open.push({
          id: nextId++,
          ruleId: c.ruleId,
          stationId: c.stationId,
          state: c.fire ? 'firing' : 'pending',
          since: c.since,
        });
        if (c.fire) events.push(`fire@${(t - start) / MIN}`);
      } else if (c.kind === 'fire') {
        open = open.map((a) => (a.id === c.alertId ? { ...a, state: 'firing' } : a));
        events.push(`fire@${(t - start) / MIN}`);
      } else if (c.kind === 'drop') {
        open = open.filter((a) => a.id !== c.alertId);
      } else {
        open = open.filter((a) => a.id !== c.alertId);
        events.push(`resolve@${(t - start) / MIN}`);
      }
    }
  }
  return events;
}

describe('threshold for a duration', () => {
  it('fires only once the value has stayed above for the whole duration (data time)', () => {
    const minutes = (values: number[]) =>
      values.map((v, i): [number, number] => [NOW + i * MIN, v]);
    // Above from minute 0; the duration is 10 minutes: fires at minute 10, not before.
    expect(replay(rule(), minutes(Array(12).fill(25)))).toEqual(['fire@10']);
    // Dipping to the threshold at minute 5 starts the wait again: fires at minute 16.
    expect(replay(rule(), minutes([25, 25, 25, 25, 25, 20, ...Array(12).fill(25)]))).toEqual([
      'fire@16',
    ]);
  });

  it('does not flap while the value hovers at the threshold, and resolves below the clearing value', () => {
    const r = rule({ forSeconds: 0 });
    const hovering = [21, 19.5, 20.5, 19, 21, 18, 20.2, 17.5, 16.9, 21].map(
      (v, i): [number, number] => [NOW + i * MIN, v],
    );
    // Fires at once; stays firing through 19.5 … 17.5 (above 17); resolves at 16.9; fires again at 21.
    expect(replay(r, hovering)).toEqual(['fire@0', 'resolve@8', 'fire@9']);
  });

  it('works the other way round for "below"', () => {
    const r = rule({
      measurement: 'temperature',
      direction: 'below',
      threshold: 0,
      clearAt: 1,
      forSeconds: 0,
    });
    const cold = (v: number, t: number) =>
      station({ latest: { at: t, values: { temperature: v } } });
    const changes = evaluate([r], [cold(-0.5, NOW)], [], NOW);
    expect(changes).toEqual([
      { kind: 'open', ruleId: 1, stationId: 'A', since: NOW, value: -0.5, fire: true },
    ]);
    const open: OpenAlert[] = [{ id: 9, ruleId: 1, stationId: 'A', state: 'firing', since: NOW }];
    expect(evaluate([r], [cold(0.5, NOW + MIN)], open, NOW + MIN)).toEqual([]);
    expect(evaluate([r], [cold(1, NOW + 2 * MIN)], open, NOW + 2 * MIN)).toEqual([
      { kind: 'resolve', alertId: 9, value: 1 },
    ]);
  });
});

describe('offline and battery rules, scopes', () => {
  it('fires when a station is offline and resolves when it is heard again (late is neither)', () => {
    const r = rule({
      kind: 'offline',
      measurement: null,
      direction: null,
      threshold: null,
      clearAt: null,
      forSeconds: 0,
    });
    expect(evaluate([r], [station({ state: 'offline' })], [], NOW)).toMatchObject([
      { kind: 'open', fire: true },
    ]);
    const open: OpenAlert[] = [{ id: 3, ruleId: 1, stationId: 'A', state: 'firing', since: NOW }];
    expect(evaluate([r], [station({ state: 'late' })], open, NOW)).toEqual([]);
    expect(evaluate([r], [station({ state: 'online' })], open, NOW)).toEqual([
      { kind: 'resolve', alertId: 3, value: null },
    ]);
  });

  it('fires on a low battery and resolves when it reports OK, not when it reports nothing', () => {
    const r = rule({
      kind: 'battery_low',
      measurement: null,
      direction: null,
      threshold: null,
      clearAt: null,
      forSeconds: 0,
    });
    expect(evaluate([r], [station({ batteryLow: true })], [], NOW)).toMatchObject([
      { kind: 'open' },
    ]);
    const open: OpenAlert[] = [{ id: 4, ruleId: 1, stationId: 'A', state: 'firing', since: NOW }];
    expect(evaluate([r], [station({ batteryLow: null })], open, NOW)).toEqual([]);
    expect(evaluate([r], [station({ batteryLow: false })], open, NOW)).toEqual([
      { kind: 'resolve', alertId: 4, value: null },
    ]);
  });

  it('covers one station, the stations with a tag, or all', () => {
    const offline = (stationId: string, tags: string[]) =>
      station({ stationId, tags, state: 'offline' });
    const fleet = [offline('A', ['coast']), offline('B', ['hill']), offline('C', [])];
    const base = { kind: 'offline' as const, forSeconds: 0 };
    const opened = (r: Rule) =>
      evaluate([r], fleet, [], NOW).map((c) => (c.kind === 'open' ? c.stationId : ''));
    expect(opened(rule({ ...base, scope: 'station', target: 'B' }))).toEqual(['B']);
    expect(opened(rule({ ...base, scope: 'tag', target: 'coast' }))).toEqual(['A']);
    expect(opened(rule({ ...base, scope: 'all' }))).toEqual(['A', 'B', 'C']);
  });
});
