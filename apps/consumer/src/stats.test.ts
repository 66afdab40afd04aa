import { describe, expect, it } from 'vitest';
import { ConsumerStats } from './stats';

describe('ConsumerStats', () => {
  it('reports inserted rows per second over the last 10 whole seconds', () => {
    const stats = new ConsumerStats();
    const t0 = Date.parse('2026-06-01T12:00:00Z');
    for (let s = 0; s < 10; s++) stats.recordInserted(100, t0 + s * 1000);
    expect(stats.rowsPerSecond(t0 + 10_000)).toBe(100);
    expect(stats.inserted).toBe(1000);
  });

  it('keeps a 15-minute history in 10-second steps', () => {
    const stats = new ConsumerStats();
    const t0 = Date.parse('2026-06-01T12:00:00Z');
    stats.recordInserted(500, t0 + 5_000);
    stats.recordInserted(50, t0 - 20 * 60_000);
    const history = stats.rateHistory(t0 + 10_000);
    expect(history).toHaveLength(90);
    expect(history.at(-1)).toEqual({ t: '2026-06-01T12:00:00.000Z', rows_per_second: 50 });
    expect(history.reduce((sum, p) => sum + p.rows_per_second, 0)).toBe(50);
  });
});
