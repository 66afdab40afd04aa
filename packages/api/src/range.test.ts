import { describe, expect, it } from 'vitest';
import { resolveRange, ttlFor } from './range';

const NOW = Date.parse('2026-06-01T12:00:07Z');

describe('resolveRange', () => {
  it('defaults to the last 24 hours, ending at "now" rounded up to 15 s', () => {
    const range = resolveRange({}, undefined, NOW);
    expect(range.end.toISOString()).toBe('2026-06-01T12:00:15.000Z');
    expect(range.start.toISOString()).toBe('2026-05-31T12:00:15.000Z');
    expect(range.touchesNow).toBe(true);
    expect(ttlFor(range)).toBe(15);
  });

  it('keeps given bounds and gives settled history a long TTL', () => {
    const range = resolveRange(
      { start_time: '2026-01-01T00:00:00Z', end_time: '2026-01-02T00:00:00+01:00' },
      undefined,
      NOW,
    );
    expect([range.start.toISOString(), range.end.toISOString()]).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T23:00:00.000Z',
    ]);
    expect(ttlFor(range)).toBe(3600);
  });

  it('refuses an end before or at the start', () => {
    expect(() =>
      resolveRange({ start_time: '2026-01-02T00:00:00Z', end_time: '2026-01-01T00:00:00Z' }),
    ).toThrow(/must be after start_time/);
  });
});
