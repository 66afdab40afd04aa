import { describe, expect, it } from 'vitest';
import { expectedInterval, HEALTH, healthState, lateAfterS, offlineAfterS } from './health';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const ago = (seconds: number) => NOW - seconds * 1000;

describe('healthState', () => {
  it('is never_seen without a reading, online up to 1.5 intervals, late past it', () => {
    expect(healthState(null, 60, NOW)).toBe('never_seen');
    expect(healthState(ago(0), 60, NOW)).toBe('online');
    expect(healthState(ago(90), 60, NOW)).toBe('online');
    expect(healthState(ago(91), 60, NOW)).toBe('late');
  });

  it('is never late before 30 s of silence (a station reporting every second, in batches)', () => {
    expect(healthState(ago(5), 1, NOW)).toBe('online');
    expect(healthState(ago(30), 1, NOW)).toBe('online');
    expect(healthState(ago(31), 1, NOW)).toBe('late');
    expect(lateAfterS(1)).toBe(30);
    expect(lateAfterS(300)).toBe(450);
  });

  it('is offline past 3 intervals, but never before 5 minutes', () => {
    // Every minute: 3 × 60 s is 180 s, under the 5-minute floor.
    expect(healthState(ago(299), 60, NOW)).toBe('late');
    expect(healthState(ago(301), 60, NOW)).toBe('offline');
    // Every 10 minutes: late after 15, offline after 30.
    expect(healthState(ago(16 * 60), 600, NOW)).toBe('late');
    expect(healthState(ago(30 * 60 + 1), 600, NOW)).toBe('offline');
    expect(offlineAfterS(10)).toBe(HEALTH.offlineMinS);
    expect(offlineAfterS(600)).toBe(1800);
  });
});

describe('expectedInterval', () => {
  it('takes the registered interval, else the learned one, else assumes 60 s', () => {
    expect(expectedInterval(300, 60)).toEqual({ seconds: 300, source: 'registered' });
    expect(expectedInterval(null, 42)).toEqual({ seconds: 42, source: 'learned' });
    expect(expectedInterval(null, null)).toEqual({ seconds: 60, source: 'assumed' });
    // Two readings with the same timestamp teach nothing.
    expect(expectedInterval(null, 0)).toEqual({ seconds: 60, source: 'assumed' });
  });
});
