import { describe, expect, it } from 'vitest';
import { alignRange, chooseInterval, type Interval } from '../src';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const start = new Date('2026-03-02T10:17:42.123Z');
const after = (ms: number) => new Date(start.getTime() + ms);

describe('chooseInterval: the coarsest interval giving at least ~150 buckets', () => {
  it.each([
    ['1 hour', '1m', HOUR], // 60 one-minute buckets: nothing reaches 150, so the finest
    ['6 hours', '1m', 6 * HOUR], // 360 × 1m; 5m would give 72
    ['24 hours', '5m', DAY], // 288 × 5m; 15m would give 96
    ['2 days', '15m', 2 * DAY], // 192 × 15m; 1h would give 48
    ['7 days', '1h', 7 * DAY], // 168 × 1h; 6h would give 28
    ['30 days', '1h', 30 * DAY], // 720 × 1h; 6h would give 120
    ['1 year', '1d', 365 * DAY], // 365 × 1d
    ['an empty range', '1m', 0],
  ])('%s → %s', (_, expected, length) => {
    expect(chooseInterval(start, after(length))).toBe(expected);
  });
});

describe('alignRange: whole buckets, aligned to UTC midnight', () => {
  const cases: [Interval, string, string, string, string][] = [
    [
      '1m',
      '2026-03-02T10:17:42.123Z',
      '2026-03-02T10:20:00.001Z',
      '2026-03-02T10:17:00.000Z',
      '2026-03-02T10:21:00.000Z',
    ],
    [
      '5m',
      '2026-03-02T00:03:10.000Z',
      '2026-03-02T00:07:00.000Z',
      '2026-03-02T00:00:00.000Z',
      '2026-03-02T00:10:00.000Z',
    ],
    [
      '15m',
      '2026-03-02T10:17:42.123Z',
      '2026-03-02T11:00:00.000Z',
      '2026-03-02T10:15:00.000Z',
      '2026-03-02T11:00:00.000Z',
    ],
    [
      '1h',
      '2026-03-02T10:00:00.000Z',
      '2026-03-02T12:00:00.000Z',
      '2026-03-02T10:00:00.000Z',
      '2026-03-02T12:00:00.000Z',
    ],
    [
      '6h',
      '2026-03-02T05:59:59.999Z',
      '2026-03-02T13:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
      '2026-03-02T18:00:00.000Z',
    ],
    [
      '1d',
      '2026-03-02T23:59:59.999Z',
      '2026-03-03T00:00:00.001Z',
      '2026-03-02T00:00:00.000Z',
      '2026-03-04T00:00:00.000Z',
    ],
  ];
  it.each(cases)('%s: %s – %s → %s – %s', (interval, from, to, alignedStart, alignedEnd) => {
    const aligned = alignRange(new Date(from), new Date(to), interval);
    expect([aligned.start.toISOString(), aligned.end.toISOString()]).toEqual([
      alignedStart,
      alignedEnd,
    ]);
  });

  it('rejects an interval that is not one of INTERVALS', () => {
    expect(() => alignRange(start, after(HOUR), '2h' as Interval)).toThrow(/unknown interval "2h"/);
  });
});
