import { NET_RADIATION } from '@weather/core/example-measurements';
import { type Catalogue, MEASUREMENTS } from '@weather/core/measurements';
import { describe, expect, it } from 'vitest';
import {
  chartLayout,
  chartsFor,
  decimalsFor,
  headlineFor,
  measurementsPresent,
  namesWithAggregation,
  namesWithChart,
} from './catalogue';
import { colorOf, formatValue } from './chart-data';

const EXTENDED = {
  ...MEASUREMENTS,
  net_radiation: {
    ...NET_RADIATION,
    chart: { kind: 'band', order: 3.5, floor: 0 },
    headline: { order: 2.5 },
  },
} as const satisfies Catalogue;

/** The measurements SPEC §14 added, all band charts, in chart order. */
const SPEC14_BANDS = [
  'dew_point',
  'station_pressure',
  'solar_radiation',
  'uv_index',
  'rain_rate',
  'rain_counter',
];

describe('chartsFor', () => {
  it('gives the station page its charts in chart order, temperature wide, wind from 0', () => {
    expect(chartsFor(MEASUREMENTS)).toEqual([
      { name: 'temperature', kind: 'band', wide: true },
      { name: 'humidity', kind: 'band', wide: false },
      { name: 'pressure', kind: 'band', wide: false },
      { name: 'wind_speed', kind: 'band', wide: false, floor: 0 },
      { name: 'wind_gust', kind: 'band', wide: false, floor: 0 },
      { name: 'wind_direction', kind: 'direction', wide: false },
      { name: 'precipitation', kind: 'bars', wide: false },
      { name: 'dew_point', kind: 'band', wide: false },
      { name: 'feels_like', kind: 'band', wide: false },
      { name: 'wind_chill', kind: 'band', wide: false },
      { name: 'heat_index', kind: 'band', wide: false },
      { name: 'station_pressure', kind: 'band', wide: false },
      { name: 'solar_radiation', kind: 'band', wide: false, floor: 0 },
      { name: 'uv_index', kind: 'band', wide: false, floor: 0 },
      { name: 'rain_rate', kind: 'band', wide: false, floor: 0 },
      { name: 'rain_counter', kind: 'band', wide: false, floor: 0 },
      { name: 'battery_low', kind: 'share', wide: false },
    ]);
  });

  it('picks up an added measurement at its place', () => {
    const charts = chartsFor(EXTENDED);
    expect(charts.map((c) => c.name)).toEqual([
      'temperature',
      'humidity',
      'pressure',
      'net_radiation',
      'wind_speed',
      'wind_gust',
      'wind_direction',
      'precipitation',
      'dew_point',
      'feels_like',
      'wind_chill',
      'heat_index',
      ...SPEC14_BANDS.slice(1),
      'battery_low',
    ]);
    expect(charts[3]).toEqual({ name: 'net_radiation', kind: 'band', wide: false, floor: 0 });
  });
});

describe('names by chart and aggregation', () => {
  it('selects band charts, totals and directions from the catalogue', () => {
    expect(namesWithChart(EXTENDED, 'band')).toEqual([
      'temperature',
      'humidity',
      'wind_speed',
      'wind_gust',
      'pressure',
      ...SPEC14_BANDS,
      // Derived at ingest (issue 20), in catalogue order.
      'wind_chill',
      'heat_index',
      'feels_like',
      'net_radiation',
    ]);
    expect(namesWithAggregation(EXTENDED, 'sum')).toEqual(['precipitation']);
    expect(namesWithAggregation(EXTENDED, 'max')).toEqual(['rain_rate']);
    expect(namesWithAggregation(EXTENDED, 'last')).toEqual(['rain_counter']);
    expect(namesWithAggregation(EXTENDED, 'circular_mean')).toEqual(['wind_direction']);
    expect(namesWithAggregation(EXTENDED, 'share_true')).toEqual(['battery_low']);
    expect(namesWithChart(EXTENDED, 'share')).toEqual(['battery_low']);
  });

  it('takes display decimals from precision', () => {
    expect(decimalsFor(EXTENDED)).toEqual({
      temperature: 1,
      humidity: 0,
      wind_speed: 1,
      wind_direction: 0,
      wind_gust: 1,
      pressure: 1,
      precipitation: 1,
      dew_point: 1,
      station_pressure: 1,
      solar_radiation: 0,
      uv_index: 1,
      rain_rate: 1,
      rain_counter: 1,
      battery_low: 0,
      wind_chill: 1,
      heat_index: 1,
      feels_like: 1,
      net_radiation: 0,
    });
  });
});

describe('headlineFor', () => {
  it('gives the stations table its measurement columns, wind direction beside wind speed', () => {
    expect(headlineFor(MEASUREMENTS)).toEqual([
      { name: 'temperature', label: 'Temperature' },
      { name: 'humidity', label: 'Humidity' },
      { name: 'wind_speed', label: 'Wind', with: 'wind_direction' },
      { name: 'pressure', label: 'Pressure' },
    ]);
  });

  it('adds a column for an added headline measurement, and ignores a partner not in the catalogue', () => {
    expect(headlineFor(EXTENDED).map((c) => c.name)).toEqual([
      'temperature',
      'humidity',
      'net_radiation',
      'wind_speed',
      'pressure',
    ]);
    const { wind_direction: _, ...withoutDirection } = MEASUREMENTS;
    expect(headlineFor(withoutDirection)[2]).toEqual({ name: 'wind_speed', label: 'Wind' });
  });
});

describe('display by kind', () => {
  it('formats every circular mean as a compass point and every other value with its unit', () => {
    expect(formatValue('wind_direction', 22)).toBe('NNE 22°');
    expect(formatValue('precipitation', 1.25)).toBe('1.3 mm');
  });

  it('falls back to a neutral colour for a measurement the stylesheet does not know', () => {
    expect(colorOf('net_radiation')).toBe('var(--chart-net-radiation, var(--chart-fallback))');
  });
});

describe('measurementsPresent', () => {
  const names = ['temperature', 'humidity', 'uv_index', 'solar_radiation'] as const;
  const stats = (count: number) => ({ count });

  it('has what a bucket of the range counted a value of, not what the buckets carry as empty', () => {
    const buckets = [
      { temperature: stats(3), humidity: stats(0), uv_index: null, solar_radiation: null },
      { temperature: stats(1), humidity: null, uv_index: stats(2), solar_radiation: stats(0) },
    ];
    expect([...measurementsPresent(names, buckets)]).toEqual(['temperature', 'uv_index']);
  });

  it('adds what the newest reading has, for a sensor that has only just started reporting', () => {
    const latest = { temperature: 20, humidity: null, uv_index: null, solar_radiation: 450 };
    expect([...measurementsPresent(names, [], latest)]).toEqual(['temperature', 'solar_radiation']);
    expect(measurementsPresent(names, [], null).size).toBe(0);
  });
});

describe('chartLayout', () => {
  const charts = chartsFor(MEASUREMENTS);
  const layout = (present: string[]) =>
    chartLayout(charts, new Set(present)).map((c) => `${c.name}${c.wide ? ' (wide)' : ''}`);

  it('draws only the charts of measurements present, temperature wide', () => {
    // A JSON-API station with the seven measurements of SPEC §3 (dew point derived).
    expect(
      layout([
        'temperature',
        'humidity',
        'pressure',
        'wind_speed',
        'wind_gust',
        'wind_direction',
        'precipitation',
        'dew_point',
        'solar_radiation',
      ]),
    ).toEqual([
      'temperature (wide)',
      'humidity',
      'pressure',
      'wind_speed',
      'wind_gust',
      'wind_direction',
      'precipitation',
      'dew_point',
      'solar_radiation',
    ]);
  });

  it('widens a half-width chart that would stand alone in the last row', () => {
    expect(layout(['temperature', 'humidity', 'uv_index', 'solar_radiation'])).toEqual([
      'temperature (wide)',
      'humidity',
      'solar_radiation',
      'uv_index (wide)',
    ]);
    expect(layout(['uv_index'])).toEqual(['uv_index (wide)']);
    expect(layout([])).toEqual([]);
  });

  it('widens a lone half-width chart before a wide one, so the grid has no hole', () => {
    const wideLast = [...charts, { name: 'net_radiation', kind: 'band', wide: true } as const];
    expect(
      chartLayout(wideLast, new Set(['humidity', 'net_radiation'])).map((c) => [c.name, c.wide]),
    ).toEqual([
      ['humidity', true],
      ['net_radiation', true],
    ]);
  });
});
