import { MEASUREMENTS } from '@weather/core/reading';
import { describe, expect, it } from 'vitest';
import { createStations } from './stations';
import {
  diurnalShape,
  type Measurements,
  SIMULATED_MEASUREMENTS,
  StationWeather,
  solarHour,
  sunElevationSine,
  sunshine,
} from './weather';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 4, 4);

/** A week of readings for every station, one a minute. */
function simulateWeek(seed: number, stations = 8, stepMs = 60_000) {
  return createStations(stations, seed).map((station) => {
    const weather = new StationWeather(station, seed);
    const readings: (Measurements & { t: number })[] = [];
    for (let t = start; t < start + 7 * 24 * HOUR; t += stepMs) {
      readings.push({ t, ...weather.next(t) });
    }
    return { station, readings };
  });
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

function correlation(xs: number[], ys: number[]) {
  const mx = mean(xs);
  const my = mean(ys);
  let cov = 0;
  let vx = 0;
  let vy = 0;
  xs.forEach((x, i) => {
    const y = ys[i] ?? 0;
    cov += (x - mx) * (y - my);
    vx += (x - mx) ** 2;
    vy += (y - my) ** 2;
  });
  return cov / Math.sqrt(vx * vy);
}

describe('station weather over a simulated week', () => {
  const week = simulateWeek(7);

  it('keeps every measurement finite and inside the SPEC ranges', () => {
    const outside: string[] = [];
    for (const { station, readings } of week) {
      for (const reading of readings) {
        for (const name of SIMULATED_MEASUREMENTS) {
          const value = reading[name];
          const { min, max } = MEASUREMENTS[name];
          if (!(Number.isFinite(value) && value >= min && value <= max)) {
            outside.push(`${station.id} ${new Date(reading.t).toISOString()} ${name}=${value}`);
          }
        }
      }
    }
    expect(outside).toEqual([]);
    expect(week.every(({ readings }) => readings.length === 7 * 24 * 60)).toBe(true);
  });

  it('is warmer mid-afternoon than before dawn (local solar time) on most days', () => {
    let warmerDays = 0;
    let days = 0;
    for (const { station, readings } of week) {
      const byDay = new Map<number, { afternoon: number[]; predawn: number[] }>();
      for (const r of readings) {
        const hour = solarHour(r.t, station.longitude);
        const day = Math.floor((r.t + (station.longitude / 15) * HOUR) / (24 * HOUR));
        const entry = byDay.get(day) ?? { afternoon: [], predawn: [] };
        if (hour >= 13 && hour < 17) entry.afternoon.push(r.temperature);
        if (hour >= 3 && hour < 6) entry.predawn.push(r.temperature);
        byDay.set(day, entry);
      }
      for (const { afternoon, predawn } of byDay.values()) {
        if (afternoon.length < 60 || predawn.length < 60) continue;
        days++;
        if (mean(afternoon) > mean(predawn)) warmerDays++;
      }
    }
    expect(days).toBeGreaterThanOrEqual(40);
    expect(warmerDays / days).toBeGreaterThan(0.85);
  });

  it('has gusts at least as strong as the wind, and a wind that turns slowly', () => {
    for (const { readings } of week) {
      let bigTurns = 0;
      expect(readings.filter((r) => r.wind_gust < r.wind_speed)).toEqual([]);
      readings.forEach((r, i) => {
        const previous = readings[i - 1];
        if (!previous) return;
        const turn = Math.abs(((r.wind_direction - previous.wind_direction + 540) % 360) - 180);
        if (turn > 45) bigTurns++;
      });
      // Minute to minute, the vane rarely swings by more than 45°.
      expect(bigTurns / readings.length).toBeLessThan(0.01);
      expect(readings.some((r) => r.wind_gust > r.wind_speed)).toBe(true);
    }
  });

  it('moves humidity against temperature', () => {
    for (const { readings } of week) {
      const r = correlation(
        readings.map((x) => x.temperature),
        readings.map((x) => x.humidity),
      );
      expect(r).toBeLessThan(-0.2);
    }
    const all = week.flatMap(({ readings }) => readings);
    const perStation = week.map(({ readings }) =>
      correlation(
        readings.map((x) => x.temperature),
        readings.map((x) => x.humidity),
      ),
    );
    expect(mean(perStation)).toBeLessThan(-0.5);
    expect(all.length).toBe(8 * 7 * 24 * 60);
  });

  it('brings rain in showers: mostly dry readings, some wet spells, totals in mm', () => {
    const readings = week.flatMap(({ readings }) => readings);
    const wet = readings.filter((r) => r.precipitation > 0).length;
    expect(wet).toBeGreaterThan(0);
    expect(wet / readings.length).toBeLessThan(0.3);
    // Tipping bucket: whole tenths of a millimetre.
    expect(
      readings.filter(
        (r) => Math.abs(Math.round(r.precipitation * 10) - r.precipitation * 10) > 1e-6,
      ),
    ).toEqual([]);
  });

  it('lets pressure drift within a plausible band and dip with fronts', () => {
    for (const { readings } of week) {
      const pressures = readings.map((r) => r.pressure);
      expect(Math.max(...pressures) - Math.min(...pressures)).toBeGreaterThan(3);
      expect(Math.min(...pressures)).toBeGreaterThan(950);
      expect(Math.max(...pressures)).toBeLessThan(1060);
    }
  });

  it('gives the same rain total whether sampled every minute or every 10 minutes', () => {
    const [station] = createStations(1, 3);
    if (!station) throw new Error('no station');
    // Same seed, different sampling: totals agree roughly (showers are random per step).
    const total = (stepMs: number) => {
      const weather = new StationWeather(station, 3);
      let sum = 0;
      for (let t = start; t < start + 30 * 24 * HOUR; t += stepMs)
        sum += weather.next(t).precipitation;
      return sum;
    };
    const fine = total(60_000);
    const coarse = total(600_000);
    expect(fine).toBeGreaterThan(0);
    expect(coarse / fine).toBeGreaterThan(0.3);
    expect(coarse / fine).toBeLessThan(3);
  });
});

describe('determinism', () => {
  it('gives the same stations and readings for the same seed', () => {
    expect(simulateWeek(42, 3, 600_000)).toEqual(simulateWeek(42, 3, 600_000));
  });

  it('gives different weather for another seed', () => {
    const a = simulateWeek(42, 3, 600_000);
    const b = simulateWeek(43, 3, 600_000);
    expect(a.map((s) => s.readings)).not.toEqual(b.map((s) => s.readings));
  });

  it('refuses timestamps that go backwards', () => {
    const [station] = createStations(1, 1);
    if (!station) throw new Error('no station');
    const weather = new StationWeather(station, 1);
    weather.next(start);
    expect(() => weather.next(start - 1)).toThrow(/backwards/);
  });
});

describe('daily cycle shape', () => {
  it('is coolest before dawn and warmest mid-afternoon', () => {
    expect(diurnalShape(5.5)).toBeCloseTo(-1);
    expect(diurnalShape(15)).toBeCloseTo(1);
    expect(diurnalShape(10)).toBeGreaterThan(diurnalShape(4));
    expect(diurnalShape(22)).toBeLessThan(diurnalShape(15));
  });

  it('uses local solar time: 12:00 UTC is 18:00 at 90° E', () => {
    expect(solarHour(Date.UTC(2026, 0, 1, 12), 90)).toBeCloseTo(18);
    expect(solarHour(Date.UTC(2026, 0, 1, 2), -45)).toBeCloseTo(23);
  });
});

describe('sunshine', () => {
  it('is dark at night and strongest near noon in summer', () => {
    // Berlin (52.5° N, 13.4° E) on 21 June: local solar noon near 11:06 UTC.
    const noon = sunElevationSine(Date.UTC(2026, 5, 21, 11, 6), 52.5, 13.4);
    const midnight = sunElevationSine(Date.UTC(2026, 5, 21, 23, 6), 52.5, 13.4);
    expect(Math.asin(noon) * (180 / Math.PI)).toBeCloseTo(61, 0);
    expect(midnight).toBeLessThan(0);
    expect(sunshine(midnight, 0)).toEqual({ irradiance: 0, uv: 0 });
    const clear = sunshine(noon, 0);
    expect(clear.irradiance).toBeGreaterThan(850);
    expect(clear.irradiance).toBeLessThan(1000);
    expect(clear.uv).toBeGreaterThan(6);
    expect(clear.uv).toBeLessThan(9);
    expect(sunshine(noon, 1).irradiance).toBeLessThan(clear.irradiance * 0.3);
  });
});
