import type { MeasurementSpec } from './measurements';

/**
 * Two measurements the catalogue does not have, for the tests that prove a
 * new entry reaches every layer (`{ ...MEASUREMENTS, net_radiation: NET_RADIATION }`).
 */
export const NET_RADIATION = {
  unit: 'W/m²',
  unitSuffix: 'w_m2',
  min: 0,
  max: 2000,
  label: 'Net radiation',
  aggregation: 'mean',
  precision: 0,
  chart: { kind: 'band', order: 14, floor: 0 },
} as const satisfies MeasurementSpec;

export const SNOWFALL_RATE = {
  unit: 'mm/h',
  unitSuffix: 'mm_h',
  min: 0,
  max: 1000,
  label: 'Snowfall rate',
  aggregation: 'sum',
  precision: 1,
  chart: { kind: 'bars', order: 15 },
} as const satisfies MeasurementSpec;
