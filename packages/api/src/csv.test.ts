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
      'received_at',
    ]);
    expect(csvHeader().endsWith('\n')).toBe(true);
  });

  it('writes missing measurements as empty fields', () => {
    expect(
      csvRow({
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
    ).toBe('ST-1,2026-01-01T00:00:00.000Z,-3.5,,0,,,1013.25,,2026-01-01T00:00:01.000Z\n');
  });
});
