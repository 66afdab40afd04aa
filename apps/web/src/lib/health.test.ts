import { describe, expect, it } from 'vitest';
import { formatDuration, formatSkew } from './health';

describe('formatDuration', () => {
  it.each([
    [45, '45 s'],
    [89, '89 s'],
    [600, '10 min'],
    [5400, '1 h 30 min'],
    [7200, '2 h'],
    [3 * 86_400 + 4 * 3600, '3 d 4 h'],
  ])('%s s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('formatSkew', () => {
  it('says slow, fast or on time', () => {
    expect(formatSkew(600)).toBe('10 min slow');
    expect(formatSkew(-240)).toBe('4 min fast');
    expect(formatSkew(12)).toBe('on time');
    expect(formatSkew(null)).toBe('–');
  });
});
