import { ABSENT_MEASUREMENTS } from '@weather/core/reading';
import { describe, expect, it } from 'vitest';
import type { ReadingRow } from './chart-data';
import { latestValues } from './latest-values';

const reading = (values: Partial<ReadingRow>): ReadingRow => ({
  ...ABSENT_MEASUREMENTS,
  station_id: 'S',
  timestamp: '2026-05-01T12:00:00.000Z',
  received_at: '2026-05-01T12:00:01.000Z',
  qc: null,
  rain_counter_kind: null,
  ...values,
});

describe('latestValues', () => {
  it('gives the headline values in words, then the other measurements the reading has', () => {
    const latest = reading({
      temperature: 21.34,
      humidity: 45,
      wind_speed: 3.3,
      wind_direction: 22,
      pressure: 1013.2,
      uv_index: 4.1,
      rain_counter: 317.5,
      rain_counter_kind: 'yearly',
    });
    const { headline, more } = latestValues(latest);
    expect(headline.map((v) => `${v.label} ${v.value}`)).toEqual([
      'temperature 21.3 °C',
      'humidity 45%',
      'wind 3.3 m/s from NNE 22°',
      'pressure 1013.2 hPa',
    ]);
    expect(more.map((v) => `${v.label} ${v.value}`)).toEqual([
      'UV index 4.1',
      'rain counter 317.5 mm (yearly)',
    ]);
    expect([...headline, ...more].every((v) => v.marks.length === 0)).toBe(true);
  });

  it('says a flag in words, without a label: "battery low", "battery OK"', () => {
    for (const [battery_low, text] of [
      [true, 'battery low'],
      [false, 'battery OK'],
    ] as const) {
      const { more } = latestValues(reading({ temperature: 5, battery_low }));
      expect(more).toEqual([{ name: 'battery_low', label: '', value: text, marks: [] }]);
    }
  });

  it('marks a derived value, and shows a value dropped as out of range as missing with its mark', () => {
    const latest = reading({
      temperature: 20,
      humidity: 55,
      dew_point: 10.7,
      qc: { pressure: ['range'], dew_point: ['derived'], solar_radiation: ['range'] },
    });
    const { headline, more } = latestValues(latest);
    expect(headline).toEqual([
      { name: 'temperature', label: 'temperature', value: '20.0 °C', marks: [] },
      { name: 'humidity', label: 'humidity', value: '55%', marks: [] },
      { name: 'pressure', label: 'pressure', value: null, marks: ['out_of_range'] },
    ]);
    expect(more).toEqual([
      { name: 'dew_point', label: 'dew point', value: '10.7 °C', marks: ['derived'] },
      { name: 'solar_radiation', label: 'solar radiation', value: null, marks: ['out_of_range'] },
    ]);
  });

  it('marks precipitation across an unexpected rain counter reset', () => {
    const { more } = latestValues(
      reading({ temperature: 1, precipitation: 0.4, qc: { precipitation: ['counter_reset'] } }),
    );
    expect(more).toEqual([
      { name: 'precipitation', label: 'precipitation', value: '0.4 mm', marks: ['counter_reset'] },
    ]);
  });
});
