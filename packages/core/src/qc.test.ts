import { describe, expect, it } from 'vitest';
import { clockSkewed, hasDoubt, mergeQc, persistent, type QcRow, qcFlags, spikes } from './qc';

const MIN = 60_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');

/** Readings every `step` ms with these temperatures, received 5 s after they were observed. */
const rows = (temperatures: (number | null)[], step = 5 * MIN): QcRow[] =>
  temperatures.map((temperature, i) => ({
    ts: T0 + i * step,
    received: T0 + i * step + 5000,
    values: { temperature },
    qc: null,
  }));

describe('spikes', () => {
  const rule = { delta: 10, withinS: 300 };

  it('flags one reading that leaves both neighbours, up or down', () => {
    expect(spikes(rows([12, 12.4, 37.4, 12.6, 12.5]), 'temperature', rule)).toEqual([2]);
    expect(spikes(rows([12, 12.4, -13, 12.6]), 'temperature', rule)).toEqual([2]);
  });

  it('does not flag a jump that stays, a jump within the limit, or neighbours too far apart', () => {
    expect(spikes(rows([12, 12, 25, 25, 25]), 'temperature', rule)).toEqual([]);
    expect(spikes(rows([12, 21.9, 12]), 'temperature', rule)).toEqual([]);
    expect(spikes(rows([12, 37, 12], 10 * MIN), 'temperature', rule)).toEqual([]);
  });

  it('waits for the next reading before flagging the newest, and skips missing values', () => {
    expect(spikes(rows([12, 12.4, 37.4]), 'temperature', rule)).toEqual([]);
    expect(spikes(rows([12, null, 37.4, null, 12.2], 2 * MIN), 'temperature', rule)).toEqual([2]);
  });
});

describe('persistent', () => {
  it('flags a whole run unchanged for the hours given, and nothing shorter', () => {
    const stuck = [10.1, ...Array(73).fill(12.3), 12.4];
    // 73 readings 5 minutes apart span 6 hours.
    expect(persistent(rows(stuck), 'temperature', 6)).toEqual(
      Array.from({ length: 73 }, (_, i) => i + 1),
    );
    expect(persistent(rows(stuck.slice(0, 73)), 'temperature', 6)).toEqual([]);
  });

  it('counts a run that began before the rows from `since`', () => {
    const since = T0 - 6 * 60 * MIN;
    expect(persistent(rows([12.3, 12.3, 12.4]), 'temperature', 6, since)).toEqual([0, 1]);
  });
});

describe('clockSkewed', () => {
  const at = (ts: number, received: number): QcRow => ({ ts, received, values: {}, qc: null });

  it('flags a reading from the future at once', () => {
    expect(clockSkewed([at(T0 + 3 * MIN, T0)])).toEqual([0]);
    expect(clockSkewed([at(T0 + MIN, T0)])).toEqual([]);
  });

  it('flags a clock running slow from its second reading on', () => {
    const slow = [0, 1, 2, 3].map((i) => at(T0 + i * MIN, T0 + i * MIN + 20 * MIN));
    expect(clockSkewed(slow)).toEqual([1, 2, 3]);
  });

  it('does not flag a backlog arriving at once after an outage', () => {
    const backlog = [0, 1, 2, 3].map((i) => at(T0 + i * 5 * MIN, T0 + 2 * 60 * MIN + i * 100));
    expect(clockSkewed(backlog)).toEqual([]);
  });
});

describe('qcFlags', () => {
  it('adds only codes a reading does not have, and leaves a skewed reading out of the value checks', () => {
    const checked = rows([12, 37, 12, 12]);
    (checked[1] as QcRow).qc = { temperature: ['spike'] };
    expect(qcFlags(checked).size).toBe(0);
    const skewed = rows([12, 37, 12]);
    (skewed[1] as QcRow).ts = T0 + 5 * MIN;
    (skewed[1] as QcRow).received = T0 - 5 * MIN;
    expect(qcFlags(skewed)).toEqual(new Map([[1, { timestamp: ['clock'] }]]));
  });

  it('gives values derived from a doubtful one the same doubt', () => {
    const derived = rows([12, 37, 12]).map((row) => ({
      ...row,
      values: { ...row.values, humidity: 60, dew_point: 5 },
      qc: { dew_point: ['derived' as const], feels_like: ['derived' as const] },
    }));
    expect(qcFlags(derived).get(1)).toEqual({
      temperature: ['spike'],
      dew_point: ['spike'],
      feels_like: ['spike'],
    });
  });

  it('says whether a reading holds a doubt: notes are not doubts', () => {
    expect(hasDoubt(null)).toBe(false);
    expect(hasDoubt({ dew_point: ['derived'], precipitation: ['counter_reset'] })).toBe(false);
    expect(hasDoubt({ dew_point: ['derived'], temperature: ['range'] })).toBe(true);
    expect(hasDoubt({ timestamp: ['clock'] })).toBe(true);
  });

  it('merges flags into what a reading has', () => {
    expect(mergeQc({ dew_point: ['derived'] }, { temperature: ['spike'] })).toEqual({
      dew_point: ['derived'],
      temperature: ['spike'],
    });
    expect(mergeQc({ temperature: ['range'] }, { temperature: ['range', 'spike'] })).toEqual({
      temperature: ['range', 'spike'],
    });
  });
});
