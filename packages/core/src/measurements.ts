/**
 * The measurement catalogue (SPEC §14): the one definition of every measurement. The reading
 * schema and fast parser, the database columns, the rollup views, the query row and bucket
 * types, the API and OpenAPI schemas, the CSV columns and the dashboard's charts and tables all
 * derive from it. Adding a measurement is one entry here plus a generated migration.
 */

/** How a measurement combines over a time bucket or a range. */
export type Aggregation =
  /** Average, with min and max (temperature). */
  | 'mean'
  /** Total over the bucket (precipitation since the previous reading). */
  | 'sum'
  /** Mean of unit vectors, in degrees (wind direction); min and max are meaningless. */
  | 'circular_mean'
  /** Highest value (gusts, counters). */
  | 'max'
  /** Newest value (a cumulative counter as the device reports it). */
  | 'last'
  /** Share of readings where the flag was set (a boolean such as battery_low). */
  | 'share_true';

/** How the dashboard draws a measurement over time. */
export type ChartSpec =
  /** Average line over the min–max band; `floor` pins the axis (wind cannot go below 0). */
  | { kind: 'band'; order: number; wide?: boolean; floor?: number }
  /** Bars per bucket (totals). */
  | { kind: 'bars'; order: number }
  /** Points on a compass axis. */
  | { kind: 'direction'; order: number }
  /** Bars of the share of readings per bucket where a flag was set (0–100 %). */
  | { kind: 'share'; order: number };

export interface MeasurementSpec {
  /**
   * What a value is: a number (the default), or a flag that is true or false (`battery_low`).
   * A flag is stored as a boolean column and aggregates as the share of readings where it was
   * set; `min`/`max` then bound that share (0 … 1).
   */
  type?: 'number' | 'boolean';
  /** A flag's two states as words in a sentence, false first: `['battery OK', 'battery low']`. */
  states?: readonly [string, string];
  /** Unit as people read it; empty for a number on its own scale (the UV index). */
  unit: string;
  /** The unit as an ASCII suffix for column names (CSV): `temperature_c`; empty for none. */
  unitSuffix: string;
  /** Accepted range, inclusive (SPEC §3); a value outside it is refused. */
  min: number;
  max: number;
  label: string;
  aggregation: Aggregation;
  /** Decimals shown on the dashboard. */
  precision: number;
  chart: ChartSpec;
  /**
   * Its place among a station's headline values (overview table, station header), if it has one;
   * `label` names the column when it differs, `with` is a measurement shown beside it.
   */
  headline?: { order: number; label?: string; with?: string };
  /** The QC checks that apply beyond the range (SPEC §14; `@weather/core/qc` runs them). */
  qc?: QcRules;
}

/** Temporal-consistency checks of one measurement (SPEC §14). */
export interface QcRules {
  /**
   * A `spike`: a value further than `delta` from both the reading before it and the one after
   * it, each within `withinS` seconds, on the same side. A jump that stays is not flagged: a
   * front can do that.
   */
  spike?: { delta: number; withinS: number };
  /**
   * `persistence`: the same value for at least this many hours (over at least 3 readings),
   * where a working sensor always moves; every reading of the run is flagged.
   */
  persistenceH?: number;
}

/** A set of measurements by name (snake_case, as in the API and the database). */
export type Catalogue = Record<string, MeasurementSpec>;

export const MEASUREMENTS = {
  temperature: {
    unit: '°C',
    unitSuffix: 'c',
    min: -90,
    max: 65,
    label: 'Temperature',
    aggregation: 'mean',
    precision: 1,
    chart: { kind: 'band', order: 1, wide: true },
    headline: { order: 1 },
    qc: { spike: { delta: 10, withinS: 300 }, persistenceH: 6 },
  },
  humidity: {
    unit: '%',
    unitSuffix: 'pct',
    min: 0,
    max: 100,
    label: 'Humidity',
    aggregation: 'mean',
    precision: 0,
    chart: { kind: 'band', order: 2 },
    headline: { order: 2 },
    // Fog holds humidity near 100 % for a night; a day is beyond it.
    qc: { spike: { delta: 40, withinS: 300 }, persistenceH: 24 },
  },
  wind_speed: {
    unit: 'm/s',
    unitSuffix: 'm_s',
    min: 0,
    max: 120,
    label: 'Wind speed',
    aggregation: 'mean',
    precision: 1,
    chart: { kind: 'band', order: 4, floor: 0 },
    headline: { order: 3, label: 'Wind', with: 'wind_direction' },
  },
  wind_direction: {
    unit: '°',
    unitSuffix: 'deg',
    min: 0,
    max: 360,
    label: 'Wind direction',
    aggregation: 'circular_mean',
    precision: 0,
    chart: { kind: 'direction', order: 6 },
  },
  wind_gust: {
    unit: 'm/s',
    unitSuffix: 'm_s',
    min: 0,
    max: 150,
    label: 'Wind gust',
    aggregation: 'mean',
    precision: 1,
    chart: { kind: 'band', order: 5, floor: 0 },
  },
  pressure: {
    unit: 'hPa',
    unitSuffix: 'hpa',
    min: 850,
    max: 1100,
    label: 'Pressure',
    aggregation: 'mean',
    precision: 1,
    chart: { kind: 'band', order: 3 },
    headline: { order: 4 },
    qc: { spike: { delta: 5, withinS: 600 }, persistenceH: 6 },
  },
  precipitation: {
    unit: 'mm',
    unitSuffix: 'mm',
    min: 0,
    max: 500,
    label: 'Precipitation',
    aggregation: 'sum',
    precision: 1,
    chart: { kind: 'bars', order: 7 },
  },
  // SPEC §14: what real station firmware reports beyond §3 (Weather Underground, Ecowitt,
  // Ambient). `dew_point` is also derived at ingest when a reading has none.
  dew_point: {
    unit: '°C',
    unitSuffix: 'c',
    min: -90,
    max: 65,
    label: 'Dew point',
    aggregation: 'mean',
    precision: 1,
    chart: { kind: 'band', order: 8 },
  },
  station_pressure: {
    unit: 'hPa',
    unitSuffix: 'hpa',
    // Absolute, at the station's height: about 330 hPa on the highest summits.
    min: 300,
    max: 1100,
    label: 'Station pressure',
    aggregation: 'mean',
    precision: 1,
    chart: { kind: 'band', order: 9 },
    qc: { spike: { delta: 5, withinS: 600 }, persistenceH: 6 },
  },
  solar_radiation: {
    unit: 'W/m²',
    unitSuffix: 'w_m2',
    min: 0,
    max: 2000,
    label: 'Solar radiation',
    aggregation: 'mean',
    precision: 0,
    chart: { kind: 'band', order: 10, floor: 0 },
  },
  uv_index: {
    // A number on its own scale: no unit to print.
    unit: '',
    // The measurement's name says it: the CSV column is `uv_index`.
    unitSuffix: '',
    min: 0,
    max: 25,
    label: 'UV index',
    aggregation: 'mean',
    precision: 1,
    chart: { kind: 'band', order: 11, floor: 0 },
  },
  rain_rate: {
    unit: 'mm/h',
    unitSuffix: 'mm_h',
    min: 0,
    max: 1000,
    label: 'Rain rate',
    // The peak rate over a bucket is what matters (a cloudburst), not its mean.
    aggregation: 'max',
    precision: 1,
    chart: { kind: 'band', order: 12, floor: 0 },
  },
  rain_counter: {
    unit: 'mm',
    unitSuffix: 'mm',
    // A station's cumulative rain counter as sent (its kind beside it); `precipitation` is
    // derived from its increases. A lifetime total stays far below this.
    min: 0,
    max: 100000,
    label: 'Rain counter',
    aggregation: 'last',
    precision: 1,
    chart: { kind: 'band', order: 13, floor: 0 },
  },
  battery_low: {
    // True when any of the station's sensors reports a low battery (firmware sends one flag,
    // voltage or level per sensor; the raw upload keeps each).
    type: 'boolean',
    unit: '',
    unitSuffix: '',
    min: 0,
    max: 1,
    label: 'Battery low',
    states: ['battery OK', 'battery low'],
    aggregation: 'share_true',
    precision: 0,
    chart: { kind: 'share', order: 14 },
  },
  // SPEC §14: derived at ingest from temperature, humidity and wind when a station does not send
  // them (`@weather/core/derived`); null outside their definitions' validity.
  wind_chill: {
    unit: '°C',
    unitSuffix: 'c',
    min: -100,
    max: 65,
    label: 'Wind chill',
    aggregation: 'mean',
    precision: 1,
    chart: { kind: 'band', order: 8.2 },
  },
  heat_index: {
    unit: '°C',
    unitSuffix: 'c',
    min: -90,
    max: 100,
    label: 'Heat index',
    aggregation: 'mean',
    precision: 1,
    chart: { kind: 'band', order: 8.3 },
  },
  feels_like: {
    unit: '°C',
    unitSuffix: 'c',
    min: -100,
    max: 100,
    label: 'Feels like',
    aggregation: 'mean',
    precision: 1,
    chart: { kind: 'band', order: 8.1 },
  },
} as const satisfies Catalogue;

export type Measurement = keyof typeof MEASUREMENTS;
export const MEASUREMENT_NAMES = Object.keys(MEASUREMENTS) as Measurement[];

/** The names of a catalogue, in its order. */
export const namesOf = <C extends Catalogue>(catalogue: C) =>
  Object.keys(catalogue) as (keyof C & string)[];

/** Names whose aggregation is `kind`. */
export const withAggregation = <C extends Catalogue>(catalogue: C, kind: Aggregation) =>
  namesOf(catalogue).filter((name) => catalogue[name]?.aggregation === kind);

/** Whether a measurement's values are flags (true/false) rather than numbers. */
export const isFlag = (spec: MeasurementSpec) => spec.type === 'boolean';

/** The names of a catalogue's flag measurements (`battery_low`). */
export const flagNames = <C extends Catalogue>(catalogue: C) =>
  namesOf(catalogue).filter((name) => isFlag(catalogue[name] as MeasurementSpec));

/** The value type of a measurement of `C`. */
export type ValueOf<S> = S extends { type: 'boolean' } ? boolean : number;

/** The names of `C` whose values are numbers. */
export type NumericNames<C extends Catalogue> = {
  [K in keyof C & string]: C[K] extends { type: 'boolean' } ? never : K;
}[keyof C & string];

/** The measurements whose values are numbers: everything but the flags. */
export type NumericMeasurement = NumericNames<typeof MEASUREMENTS>;
export const NUMERIC_MEASUREMENT_NAMES = MEASUREMENT_NAMES.filter(
  (name) => !isFlag(MEASUREMENTS[name]),
) as NumericMeasurement[];
