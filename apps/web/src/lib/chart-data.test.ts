import { describe, expect, it } from 'vitest';
import {
  type Bucket,
  bandSeries,
  compassName,
  compassPoint,
  directionSeries,
  fillGaps,
  formatBucket,
  formatDateTime,
  formatNumber,
  formatTick,
  formatValue,
  INTERVAL_MS,
  isolatedIndexes,
  niceScale,
  precipitationSeries,
  shareSeries,
  timeTicks,
  toBand,
} from './chart-data';

const T0 = Date.parse('2026-06-01T12:00:00Z');
const MIN = 60_000;

const stats = (min: number, avg: number, max: number, count = 3) => ({
  count,
  min,
  avg,
  max,
  flagged: 0,
});

function bucket(t: number, over: Partial<Bucket> = {}): Bucket {
  return {
    bucket: new Date(t).toISOString(),
    count: 3,
    temperature: stats(10, 11, 12),
    humidity: stats(60, 65, 70),
    wind_speed: stats(1, 2, 3),
    wind_direction: stats(0, 90, 180),
    wind_gust: stats(4, 5, 6),
    pressure: stats(1010, 1011, 1012),
    precipitation: { ...stats(0, 0.1, 0.2), sum: 0.3 },
    dew_point: null,
    station_pressure: null,
    solar_radiation: null,
    uv_index: null,
    rain_rate: null,
    rain_counter: null,
    battery_low: null,
    wind_chill: null,
    heat_index: null,
    feels_like: null,
    ...over,
  };
}

describe('fillGaps', () => {
  it('puts a null slot where a bucket is missing, keeping the present ones in place', () => {
    const buckets = [bucket(T0), bucket(T0 + 10 * MIN), bucket(T0 + 20 * MIN)];
    const slots = fillGaps(buckets, { start: T0, end: T0 + 25 * MIN }, 5 * MIN);
    expect(slots.map((s) => s.t - T0)).toEqual([0, 5, 10, 15, 20].map((m) => m * MIN));
    expect(slots.map((s) => s.bucket !== null)).toEqual([true, false, true, false, true]);
  });

  it('covers the whole range, with leading and trailing gaps, and excludes the end', () => {
    const slots = fillGaps([bucket(T0 + 2 * MIN)], { start: T0, end: T0 + 4 * MIN }, MIN);
    expect(slots).toHaveLength(4);
    expect(slots.map((s) => s.bucket?.bucket ?? null)).toEqual([
      null,
      null,
      new Date(T0 + 2 * MIN).toISOString(),
      null,
    ]);
  });

  it('starts at the bucket boundary at or before an unaligned start', () => {
    const slots = fillGaps([], { start: T0 + 90_000, end: T0 + 5 * MIN }, 5 * MIN);
    expect(slots.map((s) => s.t)).toEqual([T0]);
  });

  it('gives an empty range no slots and still shows a bucket that is off the grid', () => {
    expect(fillGaps([], { start: T0, end: T0 }, MIN)).toEqual([]);
    const odd = fillGaps([bucket(T0 + 30_000)], { start: T0, end: T0 + 2 * MIN }, MIN);
    expect(odd.map((s) => s.t - T0)).toEqual([0, 30_000, MIN]);
  });
});

describe('bandSeries and toBand', () => {
  it('turns a bucket into {t, avg, band: [min, max]} and a gap into nulls', () => {
    const slots = fillGaps([bucket(T0)], { start: T0, end: T0 + 2 * MIN }, MIN);
    expect(bandSeries(slots, 'temperature')).toEqual([
      { t: T0, avg: 11, band: [10, 12], count: 3 },
      { t: T0 + MIN, avg: null, band: null, count: 0 },
    ]);
  });

  it('gives a gap where the bucket has readings but not of that measurement', () => {
    const slots = fillGaps([bucket(T0, { pressure: null })], { start: T0, end: T0 + MIN }, MIN);
    expect(bandSeries(slots, 'pressure')).toEqual([{ t: T0, avg: null, band: null, count: 0 }]);
    expect(bandSeries(slots, 'humidity')[0]?.band).toEqual([60, 70]);
  });

  it('builds a band only from both ends, ordered low to high', () => {
    expect(toBand({ min: 1, max: 4 })).toEqual([1, 4]);
    expect(toBand({ min: 4, max: 1 })).toEqual([1, 4]);
    expect(toBand({ min: 2, max: 2 })).toEqual([2, 2]);
    expect(toBand({ min: null, max: 4 })).toBeNull();
    expect(toBand(null)).toBeNull();
  });
});

describe('precipitationSeries', () => {
  it('uses the per-bucket sum, null for gaps and for buckets without a rain gauge reading', () => {
    const slots = fillGaps(
      [bucket(T0), bucket(T0 + 2 * MIN, { precipitation: null })],
      { start: T0, end: T0 + 3 * MIN },
      MIN,
    );
    expect(precipitationSeries(slots).map((p) => p.sum)).toEqual([0.3, null, null]);
  });
});

describe('directionSeries', () => {
  const dirs = (values: (number | null)[]) =>
    fillGaps(
      values.flatMap((v, i) =>
        v === null ? [] : [bucket(T0 + i * MIN, { wind_direction: stats(v, v, v) })],
      ),
      { start: T0, end: T0 + values.length * MIN },
      MIN,
    );

  it('passes directions through when they do not cross north', () => {
    const points = directionSeries(dirs([10, 40, 200, null, 300]));
    expect(points.map((p) => p.dir)).toEqual([10, 40, 200, null, 300]);
    expect(points.every((p) => !p.edge)).toBe(true);
  });

  it('leaves through the top and re-enters at the bottom when turning clockwise past north', () => {
    const points = directionSeries(dirs([350, 10]));
    expect(points.map((p) => p.dir)).toEqual([350, 360, null, 0, 10]);
    // 350 → 360 is half of the 20° turn, so the crossing is half-way between the buckets.
    expect(points[1]?.t).toBe(T0 + MIN / 2);
    expect(points.filter((p) => p.edge)).toHaveLength(3);
  });

  it('leaves through the bottom when turning anticlockwise past north', () => {
    const points = directionSeries(dirs([5, 335]));
    expect(points.map((p) => p.dir)).toEqual([5, 0, null, 360, 335]);
    expect(points[1]?.t).toBe(T0 + MIN / 6);
    // 40 → 300 is also the short way through north (100°), not 260° round the south.
    expect(directionSeries(dirs([40, 300])).map((p) => p.dir)).toEqual([40, 0, null, 360, 300]);
  });

  it('does not join directions across a gap', () => {
    expect(directionSeries(dirs([350, null, 10])).map((p) => p.dir)).toEqual([350, null, 10]);
  });
});

describe('isolatedIndexes', () => {
  it('finds values with no neighbour, which a line alone would not draw', () => {
    expect([...isolatedIndexes([1, null, 2, 3, null, 4])]).toEqual([0, 5]);
    expect([...isolatedIndexes([null, 5, null])]).toEqual([1]);
    expect(isolatedIndexes([1, 2]).size).toBe(0);
  });
});

describe('niceScale', () => {
  const labels = (scale: ReturnType<typeof niceScale>) =>
    scale?.ticks.map((t) => t.toFixed(scale.decimals));

  it('gives a narrow pressure range distinct, round labels', () => {
    const scale = niceScale([1010.02, 1010.48]);
    expect(labels(scale)).toEqual(['1010.0', '1010.2', '1010.4', '1010.6']);
    expect(scale?.domain).toEqual([1010, 1010.6]);
  });

  it('uses whole numbers when the step is whole, and quarter steps with two decimals', () => {
    expect(labels(niceScale([3.2, 14.9]))).toEqual(['0', '5', '10', '15']);
    expect(labels(niceScale([0, 0.9]))).toEqual(['0.00', '0.25', '0.50', '0.75', '1.00']);
    expect(labels(niceScale([60, 80]))).toEqual(['60', '65', '70', '75', '80']);
  });

  it('includes a floor, and gives a flat series an axis around its value', () => {
    expect(niceScale([3, 6], { floor: 0 })?.domain).toEqual([0, 6]);
    expect(niceScale([0, 0], { floor: 0 })?.domain).toEqual([0, 1]);
    expect(niceScale([1013, 1013])?.domain).toEqual([1000, 1030]);
    expect(niceScale([])).toBeNull();
    expect(niceScale([Number.NaN])).toBeNull();
  });
});

describe('shareSeries', () => {
  it('turns a flag’s bucket mean into the percent of readings, null where it has none', () => {
    const slots = [
      { t: T0, bucket: bucket(T0, { battery_low: stats(0, 0.25, 1, 4) }) },
      { t: T0 + MIN, bucket: bucket(T0 + MIN) },
      { t: T0 + 2 * MIN, bucket: null },
    ];
    expect(shareSeries(slots, 'battery_low')).toEqual([
      { t: T0, percent: 25 },
      { t: T0 + MIN, percent: null },
      { t: T0 + 2 * MIN, percent: null },
    ]);
  });
});

describe('formatValue', () => {
  it.each([
    ['temperature', 12.345, '12.3 °C'],
    ['temperature', -0.04, '0.0 °C'],
    ['humidity', 71.6, '72%'],
    ['wind_speed', 3.25, '3.3 m/s'],
    ['wind_gust', 10, '10.0 m/s'],
    ['pressure', 1013.25, '1013.3 hPa'],
    ['precipitation', 0.2, '0.2 mm'],
    ['wind_direction', 22, 'NNE 22°'],
    ['wind_direction', 359.7, 'N 0°'],
    ['wind_direction', 225, 'SW 225°'],
    // A flag: a reading says yes or no, a bucket or range the share of its readings.
    ['battery_low', true, 'yes'],
    ['battery_low', false, 'no'],
    ['battery_low', 0.25, '25%'],
    ['battery_low', 0, '0%'],
  ] as const)('%s %s → %s', (measurement, value, text) => {
    expect(formatValue(measurement, value)).toBe(text);
  });

  it('shows a dash for a missing value, and numbers without units on request', () => {
    expect(formatValue('pressure', null)).toBe('–');
    expect(formatNumber('temperature', 12.345)).toBe('12.3');
    expect(formatNumber('humidity', Number.NaN)).toBe('–');
  });

  it('spells directions out in words', () => {
    expect([0, 45, 90, 151, 247.5, null].map(compassName)).toEqual([
      'north',
      'northeast',
      'east',
      'south-southeast',
      'west-southwest',
      '–',
    ]);
  });

  it('names the nearest of 16 compass points', () => {
    expect([0, 11, 12, 90, 180, 270, 348, 349, -10].map(compassPoint)).toEqual([
      'N',
      'N',
      'NNE',
      'E',
      'S',
      'W',
      'NNW',
      'N',
      'N',
    ]);
  });
});

describe('time formatting', () => {
  const HOUR = 60 * MIN;
  const DAY = 24 * HOUR;
  const midnight = Date.parse('2026-11-28T00:00:00Z');

  it('picks round ticks: 10 minutes over an hour, 6 hours over a day, Mondays over a month', () => {
    const hour = timeTicks(midnight + 5 * MIN, midnight + 65 * MIN);
    expect(hour.step).toBe(10 * MIN);
    expect(hour.ticks.map((t) => formatTick(t, hour.step))).toEqual([
      '00:10',
      '00:20',
      '00:30',
      '00:40',
      '00:50',
      '01:00',
    ]);

    const day = timeTicks(midnight - DAY + 7 * HOUR, midnight + 7 * HOUR);
    expect(day.step).toBe(6 * HOUR);
    expect(day.ticks.map((t) => formatTick(t, day.step))).toEqual([
      '12:00',
      '18:00',
      'Nov 28',
      '06:00',
    ]);

    const month = timeTicks(midnight - 30 * DAY, midnight);
    expect(month.step).toBe(7 * DAY);
    expect(month.ticks.map((t) => new Date(t).getUTCDay())).toEqual([1, 1, 1, 1]);
    expect(month.ticks.map((t) => formatTick(t, month.step))).toEqual([
      'Nov 2',
      'Nov 9',
      'Nov 16',
      'Nov 23',
    ]);
  });

  it('uses fewer, wider steps for a narrow chart', () => {
    const { step, ticks } = timeTicks(midnight - DAY, midnight, 3);
    expect(step).toBe(12 * HOUR);
    expect(ticks).toHaveLength(3);
  });

  it('formats exact instants and buckets in UTC', () => {
    expect(formatDateTime('2026-11-28T06:21:42.123Z')).toBe('2026-11-28 06:21:42');
    expect(formatDateTime('nonsense')).toBe('–');
    expect(formatBucket(midnight + 6 * HOUR + 20 * MIN, INTERVAL_MS['5m'])).toBe(
      'Nov 28 06:20–06:25 UTC',
    );
    expect(formatBucket(midnight, INTERVAL_MS['1d'])).toBe('Nov 28 UTC');
  });
});
