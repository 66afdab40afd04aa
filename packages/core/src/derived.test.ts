import { describe, expect, it } from 'vitest';
import { cToF, feelsLike, fToC, heatIndex, windChill } from './derived';
import { dewPoint } from './reading';

/** One mile per hour in m/s. */
const MPH = 0.44704;

/** °C (or null) to whole °F, as the NWS charts print it; `+ 0` turns -0 into 0. */
const chartF = (celsius: number | null) =>
  celsius === null ? null : Math.round(cToF(celsius)) + 0;

// NWS Wind Chill Chart (2001), https://www.weather.gov/safety/cold-wind-chill-chart, typed from
// the copy of NWS La Crosse (crh.noaa.gov/arx/windchill.php); its 40 °F column and 60 mph row
// are not on that copy and come from the full chart. Wind chill in °F by air temperature (°F,
// columns) and wind speed (mph, rows).
const WIND_CHILL_TEMPS_F = [
  40, 35, 30, 25, 20, 15, 10, 5, 0, -5, -10, -15, -20, -25, -30, -35, -40, -45,
];
const WIND_CHILL_CHART: [mph: number, chillF: number[]][] = [
  [5, [36, 31, 25, 19, 13, 7, 1, -5, -11, -16, -22, -28, -34, -40, -46, -52, -57, -63]],
  [10, [34, 27, 21, 15, 9, 3, -4, -10, -16, -22, -28, -35, -41, -47, -53, -59, -66, -72]],
  [15, [32, 25, 19, 13, 6, 0, -7, -13, -19, -26, -32, -39, -45, -51, -58, -64, -71, -77]],
  [20, [30, 24, 17, 11, 4, -2, -9, -15, -22, -29, -35, -42, -48, -55, -61, -68, -74, -81]],
  [25, [29, 23, 16, 9, 3, -4, -11, -17, -24, -31, -37, -44, -51, -58, -64, -71, -78, -84]],
  [30, [28, 22, 15, 8, 1, -5, -12, -19, -26, -33, -39, -46, -53, -60, -67, -73, -80, -87]],
  [35, [28, 21, 14, 7, 0, -7, -14, -21, -27, -34, -41, -48, -55, -62, -69, -76, -82, -89]],
  [40, [27, 20, 13, 6, -1, -8, -15, -22, -29, -36, -43, -50, -57, -64, -71, -78, -84, -91]],
  [45, [26, 19, 12, 5, -2, -9, -16, -23, -30, -37, -44, -51, -58, -65, -72, -79, -86, -93]],
  [50, [26, 19, 12, 4, -3, -10, -17, -24, -31, -38, -45, -52, -60, -67, -74, -81, -88, -95]],
  [55, [25, 18, 11, 4, -3, -11, -18, -25, -32, -39, -46, -54, -61, -68, -75, -82, -89, -97]],
  [60, [25, 17, 10, 3, -4, -11, -19, -26, -33, -40, -48, -55, -62, -69, -76, -84, -91, -98]],
];

describe('windChill', () => {
  it.each(WIND_CHILL_CHART)('reproduces the NWS chart at %i mph, to the whole °F', (mph, row) => {
    const computed = WIND_CHILL_TEMPS_F.map((f) => chartF(windChill(fToC(f), mph * MPH)));
    expect(computed).toEqual(row);
  });

  it('is null above 10 °C or at 3 mph (1.34 m/s) and calmer', () => {
    expect(windChill(15, 5)).toBeNull();
    expect(windChill(0, 1)).toBeNull();
    expect(windChill(10.1, 10)).toBeNull();
    expect(windChill(0, 3 * MPH)).toBeNull();
    // Both limits are inclusive of the valid side: at 10 °C, just above 3 mph.
    expect(windChill(10, 5)).not.toBeNull();
    expect(windChill(0, 3 * MPH + 0.01)).not.toBeNull();
  });

  it('is null when an input is missing', () => {
    expect(windChill(Number.NaN, 5)).toBeNull();
    expect(windChill(0, Number.NaN)).toBeNull();
  });
});

// NWS Heat Index Chart, https://www.weather.gov/safety/heat-index, typed from the copy of NWS
// Tulsa (srh.noaa.gov/tsa/?n=heatindex). Heat index in °F by air temperature (°F, rows) and
// relative humidity (columns from 40 % in steps of 5 %; a row ends where the chart's blank
// "extreme" area begins).
const HEAT_INDEX_CHART: [tempF: number, indexF: number[]][] = [
  [110, [136]],
  [108, [130, 137]],
  [106, [124, 130, 137]],
  [104, [119, 124, 131, 137]],
  [102, [114, 119, 124, 130, 137]],
  [100, [109, 114, 118, 124, 129, 136]],
  [98, [105, 109, 113, 117, 123, 128, 134]],
  [96, [101, 104, 108, 112, 116, 121, 126, 132]],
  [94, [97, 100, 103, 106, 110, 114, 119, 124, 129, 135]],
  [92, [94, 96, 99, 101, 105, 108, 112, 116, 121, 126, 131]],
  [90, [91, 93, 95, 97, 100, 103, 106, 109, 113, 117, 122, 127, 132]],
  [88, [88, 89, 91, 93, 95, 98, 100, 103, 106, 110, 113, 117, 121]],
  [86, [85, 87, 88, 89, 91, 93, 95, 97, 100, 102, 105, 108, 112]],
  [84, [83, 84, 85, 86, 88, 89, 90, 92, 94, 96, 98, 100, 103]],
  [82, [81, 82, 83, 84, 84, 85, 86, 88, 89, 90, 91, 93, 95]],
  [80, [80, 80, 81, 81, 82, 82, 83, 84, 84, 85, 86, 86, 87]],
];

// The low-humidity corner, which the current chart leaves out: the NWS Central Region heat
// index table by relative humidity 0–80 % (crh.noaa.gov/crh/?n=tsp04-appen), from Steadman's
// results that the RH < 13 % adjustment was fitted to. [air °F, RH %, heat index °F].
const HEAT_INDEX_DRY: [tempF: number, rh: number, indexF: number][] = [
  [95, 10, 90],
  [100, 0, 91],
  [100, 5, 93],
  [100, 10, 95],
  [105, 5, 97],
  [105, 10, 100],
  [110, 5, 102],
  [110, 10, 105],
];

const heatIndexF = (tempF: number, rh: number) => {
  const celsius = heatIndex(fToC(tempF), rh);
  return celsius === null ? Number.NaN : cToF(celsius);
};

describe('heatIndex', () => {
  it('is within 1 °F of the NWS chart, except where the high-humidity adjustment lifts it', () => {
    const offChart = HEAT_INDEX_CHART.flatMap(([tempF, row]) =>
      row.flatMap((chart, i) => {
        const rh = 40 + 5 * i;
        return Math.abs(heatIndexF(tempF, rh) - chart) <= 1 ? [] : [`${tempF} °F ${rh} %`];
      }),
    );
    expect(offChart).toEqual(['82 °F 100 %', '80 °F 95 %', '80 °F 100 %']);
    // 80 °F at 40 % is below the regression's range: the simple formula gives 79.6.
    expect(Math.round(heatIndexF(80, 40))).toBe(80);
    expect(Math.round(heatIndexF(90, 50))).toBe(95);
    expect(Math.round(heatIndexF(96, 60))).toBe(116);
  });

  it('adds the WPC adjustment above 85 % at 80–87 °F, which the chart (the bare regression) lacks', () => {
    // [air °F, RH %, chart °F]; the adjustment is ((RH − 85) / 10) × ((87 − T) / 5).
    const cells: [number, number, number][] = [
      [80, 95, 86],
      [80, 100, 87],
      [82, 100, 95],
      [84, 90, 98],
      [86, 100, 112],
    ];
    for (const [tempF, rh, chart] of cells) {
      const adjustment = ((rh - 85) / 10) * ((87 - tempF) / 5);
      expect(Math.round(heatIndexF(tempF, rh) - adjustment)).toBe(chart);
    }
    expect(heatIndexF(80, 100)).toBeCloseTo(89.3, 1);
  });

  it.each(HEAT_INDEX_DRY)(
    'at %i °F and RH %i is within 1 °F of the dry-air table (%i °F)',
    (tempF, rh, table) => {
      expect(Math.abs(heatIndexF(tempF, rh) - table)).toBeLessThanOrEqual(1);
    },
  );

  it('is null below 80 °F, outside 0–100 % or with an input missing', () => {
    expect(heatIndex(20, 50)).toBeNull();
    expect(heatIndex(fToC(79.9), 90)).toBeNull();
    expect(heatIndex(fToC(80), 90)).not.toBeNull();
    expect(heatIndex(30, 101)).toBeNull();
    expect(heatIndex(30, -1)).toBeNull();
    expect(heatIndex(Number.NaN, 50)).toBeNull();
    expect(heatIndex(30, Number.NaN)).toBeNull();
  });
});

describe('feelsLike', () => {
  it('is the air temperature where neither index is defined', () => {
    expect(feelsLike(15, 50, 2)).toBe(15);
    expect(feelsLike(-10, 80, null)).toBe(-10);
    expect(feelsLike(35, null, 0)).toBe(35);
  });

  it('is the wind chill in the cold and wind', () => {
    const chill = windChill(-10, 10);
    expect(chill).not.toBeNull();
    expect(feelsLike(-10, 60, 10)).toBe(chill);
    expect(feelsLike(-10, null, 10)).toBeCloseTo(-20.3, 1);
    expect(chill).toBeLessThan(-10);
  });

  it('is the heat index in the heat', () => {
    const heat = heatIndex(35, 60);
    expect(heat).not.toBeNull();
    expect(feelsLike(35, 60, 2)).toBe(heat);
    // 95 °F at 60 %: between the chart's 110 °F (94 °F) and 116 °F (96 °F).
    const feltF = cToF(feelsLike(35, 60, null));
    expect(feltF).toBeGreaterThan(110);
    expect(feltF).toBeLessThan(116);
  });
});

// Reference dew points over liquid water (°C), the WMO's definition of relative humidity even
// below 0 °C. No printed RH-to-dew-point table covering −30…45 °C could be found, so these are
// COMPUTED, not typed from a table: the saturation vapour pressure over liquid water of Murphy
// and Koop (2005, Q. J. R. Meteorol. Soc. 131, eq. 10), inverted and rounded to 0.1 °C. It is a
// formulation independent of the Magnus fit under test. [air °C, RH %, dew point °C].
const DEW_POINTS: [tempC: number, rh: number, dewPointC: number][] = [
  [-30, 50, -37.1],
  [-30, 90, -31.1],
  [-20, 70, -24.1],
  [-10, 10, -35.9],
  [-10, 60, -16.3],
  [0, 50, -9.2],
  [0, 100, 0],
  [10, 90, 8.4],
  [15, 70, 9.6],
  [20, 50, 9.3],
  [25, 20, 0.5],
  [30, 80, 26.2],
  [35, 10, -1.1],
  [40, 60, 30.7],
  [45, 30, 23.4],
  [45, 90, 43.0],
];

describe('dewPoint', () => {
  it.each(DEW_POINTS)(
    'at %i °C and RH %i is within 0.4 °C of the reference (%f °C)',
    (tempC, rh, expected) => {
      const value = dewPoint(tempC, rh);
      expect(value).not.toBeNull();
      expect(Math.abs((value ?? Number.NaN) - expected)).toBeLessThanOrEqual(0.4);
    },
  );

  it('is null without humidity', () => {
    expect(dewPoint(20, 0)).toBeNull();
  });
});
