import { describe, expect, it } from 'vitest';
import { formatCount, isStale, relativeTime } from './format';

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
  });

  it('groups thousands and keeps one decimal for small rates', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(12.34)).toBe('12.3');
    expect(formatCount(0)).toBe('0');
  });
});
