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

  describe('stall detection', () => {
    const t0 = Date.parse('2026-06-01T12:00:00Z');
    const lag = (...lags: number[]) =>
      lags.map((l, partition) => ({ partition, committed: '0', high: String(l), lag: l }));

    it('is not stalled when idle with no lag, however long ago the last commit was', () => {
      const stats = new ConsumerStats();
      stats.noteAssignment([0, 1], t0);
      stats.noteCommit(0, t0);
      stats.noteLag(lag(0, 0), t0 + 600_000);
      expect(stats.stall(60_000, t0 + 600_000)).toBeNull();
      expect(stats.lastCommitAgeS(t0 + 600_000)).toBe(600);
    });

    it('is stalled once records have waited without a commit for longer than the limit', () => {
      const stats = new ConsumerStats();
      stats.noteAssignment([0, 1, 2], t0);
      stats.noteLag(lag(0, 0, 0), t0 + 1000);
      stats.noteLag(lag(0, 700, 500), t0 + 3000);
      expect(stats.stall(60_000, t0 + 61_000)).toBeNull();
      expect(stats.stall(60_000, t0 + 62_000)).toEqual({
        partitions: [1, 2],
        waiting: 1200,
        ageMs: 61_000,
      });
      // A commit on one partition clears only that one.
      stats.noteCommit(1, t0 + 62_500);
      expect(stats.stall(60_000, t0 + 63_000)).toEqual({
        partitions: [2],
        waiting: 500,
        ageMs: 62_000,
      });
    });

    it('counts only partitions assigned to this consumer, and a new one from its assignment', () => {
      const stats = new ConsumerStats();
      stats.noteAssignment([0], t0);
      stats.noteLag(lag(0, 900), t0 + 120_000);
      expect(stats.stall(60_000, t0 + 120_000)).toBeNull();
      stats.noteAssignment([0, 1], t0 + 120_000);
      expect(stats.stall(60_000, t0 + 150_000)).toBeNull();
      expect(stats.stall(60_000, t0 + 181_000)?.partitions).toEqual([1]);
    });

    it('reports the last commit in /stats, null before the first', () => {
      const stats = new ConsumerStats();
      expect(stats.toJSON()).toMatchObject({ last_commit_at: null, last_commit_age_s: null });
      stats.noteCommit(0, Date.now() - 2500);
      const body = stats.toJSON();
      expect(body.last_commit_age_s).toBeGreaterThanOrEqual(2.5);
      expect(body.last_commit_age_s).toBeLessThan(10);
      expect(Date.parse(body.last_commit_at ?? '')).toBeLessThan(Date.now());
    });
  });
});
