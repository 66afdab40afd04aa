import type { MeasurementSpec } from './measurements';

/**
 * Two measurements SPEC §14 plans beyond §3, as catalogue entries, for the tests that prove a
 * new entry reaches every layer (`{ ...MEASUREMENTS, solar_radiation: SOLAR_RADIATION }`).
 */
export const SOLAR_RADIATION = {
  unit: 'W/m²',
  unitSuffix: 'w_m2',
  min: 0,
  max: 2000,
  label: 'Solar radiation',
  aggregation: 'mean',
  precision: 0,
  chart: { kind: 'band', order: 8, floor: 0 },
} as const satisfies MeasurementSpec;

export const RAIN_RATE = {
  unit: 'mm/h',
  unitSuffix: 'mm_h',
  min: 0,
  max: 1000,
  label: 'Rain rate',
  aggregation: 'sum',
  precision: 1,
  chart: { kind: 'bars', order: 9 },
} as const satisfies MeasurementSpec;
