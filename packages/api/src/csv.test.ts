import { ABSENT_MEASUREMENTS } from '@weather/core/reading';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvHeader, csvRow } from './csv';

describe('readings CSV', () => {
  it('names every column with its unit', () => {
    expect(CSV_COLUMNS).toEqual([
      'station_id',
      'timestamp',
      'temperature_c',
      'humidity_pct',
      'wind_speed_m_s',
      'wind_direction_deg',
      'wind_gust_m_s',
      'pressure_hpa',
      'precipitation_mm',
      'dew_point_c',
      'station_pressure_hpa',
      'solar_radiation_w_m2',
      'uv_index',
      'rain_rate_mm_h',
      'rain_counter_mm',
      'battery_low',
      'wind_chill_c',
      'heat_index_c',
      'feels_like_c',
      'received_at',
      'rain_counter_kind',
      'qc',
    ]);
    expect(csvHeader().endsWith('\n')).toBe(true);
  });

  it('writes missing measurements as empty fields', () => {
    expect(
      csvRow({
        ...ABSENT_MEASUREMENTS,
        station_id: 'ST-1',
        timestamp: '2026-01-01T00:00:00.000Z',
        temperature: -3.5,
        humidity: null,
        wind_speed: 0,
        wind_direction: null,
        wind_gust: null,
        pressure: 1013.25,
        precipitation: null,
        received_at: '2026-01-01T00:00:01.000Z',
      }),
    ).toBe(
      'ST-1,2026-01-01T00:00:00.000Z,-3.5,,0,,,1013.25,,,,,,,,,,,,2026-01-01T00:00:01.000Z,,\n',
    );
  });

  it('writes the rain counter kind, a flag as true/false and the QC flags as one comma-free field', () => {
    expect(
      csvRow({
        ...ABSENT_MEASUREMENTS,
        station_id: 'ST-1',
        timestamp: '2026-01-01T00:00:00.000Z',
        dew_point: 1.2,
        rain_counter: 12.7,
        battery_low: false,
        received_at: '2026-01-01T00:00:01.000Z',
        rain_counter_kind: 'daily',
        qc: { temperature: ['range'], dew_point: ['derived'] },
      }),
    ).toBe(
      'ST-1,2026-01-01T00:00:00.000Z,,,,,,,,1.2,,,,,12.7,false,,,,2026-01-01T00:00:01.000Z,daily,temperature:range;dew_point:derived\n',
    );
  });
});
