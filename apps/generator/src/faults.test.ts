import { MAX_FUTURE_SKEW_MS, readingSchema } from '@weather/core/reading';
import { describe, expect, it } from 'vitest';
import { clockSkewMs, DuplicateCredit, INVALID_KINDS, makeInvalid, reading } from './faults';
import { createRng } from './model/prng';

const now = Date.UTC(2026, 5, 1, 12);
const valid = reading('SIM-001', now - 1000, {
  temperature: 21.5,
  humidity: 55,
  wind_speed: 3.2,
  wind_direction: 250,
  wind_gust: 5.1,
  pressure: 1012.3,
  precipitation: 0,
  station_pressure: 950.1,
  solar_radiation: 420,
  uv_index: 3.1,
  rain_rate: 0,
});
const schema = readingSchema(() => now);

describe('invalid readings', () => {
  it('starts from a reading the collector accepts', () => {
    expect(schema.safeParse(valid).success).toBe(true);
  });

  it.each(INVALID_KINDS)('makes %s readings the collector rejects, every variant', (kind) => {
    const rng = createRng('invalid', kind);
    for (let i = 0; i < 200; i++) {
      const bad = makeInvalid(valid, kind, rng, now);
      expect(schema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('clock skew', () => {
  it('shifts both ways, never by zero, and stays inside the future limit', () => {
    const rng = createRng('skew');
    const shifts = Array.from({ length: 5000 }, () => clockSkewMs(rng, 600));
    expect(shifts.some((s) => s < -250_000)).toBe(true);
    expect(shifts.some((s) => s > 200_000)).toBe(true);
    for (const shift of shifts) {
      expect(shift).not.toBe(0);
      expect(shift).toBeLessThan(MAX_FUTURE_SKEW_MS);
      expect(shift).toBeGreaterThanOrEqual(-600_000);
      const skewed = { ...valid, timestamp: new Date(now + shift).toISOString() };
      expect(schema.safeParse(skewed).success).toBe(true);
    }
  });
});

describe('duplicate share', () => {
  it.each([0, 5, 20, 50, 90])('makes exactly %i%% of records copies over time', (percent) => {
    const credit = new DuplicateCredit(percent);
    let copies = 0;
    const readings = 9000;
    for (let i = 0; i < readings; i++) copies += credit.next();
    expect((copies / (readings + copies)) * 100).toBeCloseTo(percent, 1);
  });
});
