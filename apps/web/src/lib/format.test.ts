import { describe, expect, it } from 'vitest';
import {
  formatCoordinates,
  formatCount,
  formatElevation,
  formatUtcMinute,
  isStale,
  relativeTime,
} from './format';

const NOW = Date.parse('2026-06-01T12:00:00Z');

describe('relativeTime', () => {
  it.each([
    ['2026-06-01T11:59:58Z', 'just now'],
    ['2026-06-01T11:59:18Z', '42 s ago'],
    ['2026-06-01T11:55:00Z', '5 min ago'],
    ['2026-06-01T09:00:00Z', '3 h ago'],
    ['2026-05-30T12:00:00Z', '2 d ago'],
  ])('%s → %s', (iso, text) => expect(relativeTime(iso, NOW)).toBe(text));
});

describe('isStale and formatCount', () => {
  it('marks stations silent for over 10 minutes', () => {
    expect(isStale('2026-06-01T11:51:00Z', NOW)).toBe(false);
    expect(isStale('2026-06-01T11:49:00Z', NOW)).toBe(true);
    expect(isStale(null, NOW)).toBe(false);
  });

  it('groups thousands and keeps one decimal for small rates', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(12.34)).toBe('12.3');
    expect(formatCount(0)).toBe('0');
  });
});

describe('formatCoordinates and formatElevation', () => {
  it('writes hemispheres with two decimals', () => {
    expect(formatCoordinates(52.52, 13.405)).toBe('52.52° N, 13.40° E');
    expect(formatCoordinates(-33.8688, -151.2093)).toBe('33.87° S, 151.21° W');
    expect(formatCoordinates(0, 0)).toBe('0.00° N, 0.00° E');
  });

  it('has no place without both coordinates', () => {
    expect(formatCoordinates(52.52, null)).toBeNull();
    expect(formatCoordinates(null, 13.4)).toBeNull();
  });

  it('writes metres with grouping and at most one decimal', () => {
    expect(formatElevation(34)).toBe('34 m');
    expect(formatElevation(1250.55)).toBe('1,250.6 m');
    expect(formatElevation(-2)).toBe('-2 m');
  });
});

describe('formatUtcMinute', () => {
  it('writes a UTC time to the minute', () => {
    expect(formatUtcMinute('2026-06-01T10:04:59.999Z')).toBe('2026-06-01 10:04 UTC');
    expect(formatUtcMinute('2026-06-01T12:04:00+02:00')).toBe('2026-06-01 10:04 UTC');
    expect(formatUtcMinute('garbage')).toBe('–');
  });
});
