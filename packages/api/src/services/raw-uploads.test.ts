import { ABSENT_MEASUREMENTS } from '@weather/core/reading';
import type { RawUploadRow } from '@weather/db';
import { describe, expect, it } from 'vitest';
import { describeUpload } from './raw-uploads';

const TIMESTAMP = '2026-05-01T12:00:00.000Z';
const RECEIVED = '2026-05-01T12:00:02.000Z';

/** An Ecowitt upload as the collector keeps it, and the reading the consumer stored from it. */
function ecowitt(overrides: Partial<RawUploadRow> = {}): RawUploadRow {
  return {
    station_id: 'GW1100',
    protocol: 'ecowitt',
    timestamp: TIMESTAMP,
    received_at: RECEIVED,
    fields: {
      stationtype: 'GW1100A_V2.3.4',
      dateutc: '2026-05-01 12:00:00',
      tempf: '68.0',
      humidity: '55',
      UV: '4',
      solarradiation: '9000',
      pm25_ch1: '8',
      dailyrainin: '0.10',
      yearlyrainin: '12.5',
      windgustmph: '-9999',
    },
    dropped: {
      solarradiation: 'out of range: 9000 W/m² (accepted 0 … 2000 W/m²)',
      pm25_ch1: 'no measurement for this key (kept raw)',
      windgustmph: 'missing (-9999)',
    },
    reading: {
      ...ABSENT_MEASUREMENTS,
      station_id: 'GW1100',
      timestamp: TIMESTAMP,
      received_at: RECEIVED,
      temperature: 20,
      humidity: 55,
      uv_index: 4,
      dew_point: 10.7,
      rain_counter: 317.5,
      precipitation: 0,
      rain_counter_kind: 'yearly',
      qc: { solar_radiation: ['range'], dew_point: ['derived'] },
    },
    ...overrides,
  };
}

describe('describeUpload', () => {
  it('tells for every field what it became: measurements first in catalogue order (refused values as missing), then the rest by name', () => {
    expect(describeUpload(ecowitt())).toEqual({
      protocol: 'ecowitt',
      timestamp: TIMESTAMP,
      received_at: RECEIVED,
      fields: [
        {
          field: 'tempf',
          sent: '68.0',
          stored: { measurement: 'temperature', value: 20, unit: '°C' },
          note: 'from °F',
        },
        {
          field: 'humidity',
          sent: '55',
          stored: { measurement: 'humidity', value: 55, unit: '%' },
          note: null,
        },
        {
          field: 'windgustmph',
          sent: '-9999',
          stored: { measurement: 'wind_gust', value: null, unit: 'm/s' },
          note: 'missing (-9999)',
        },
        {
          field: 'solarradiation',
          sent: '9000',
          stored: { measurement: 'solar_radiation', value: null, unit: 'W/m²' },
          note: 'out of range: 9000 W/m² (accepted 0 … 2000 W/m²)',
        },
        {
          field: 'UV',
          sent: '4',
          stored: { measurement: 'uv_index', value: 4, unit: '' },
          note: null,
        },
        {
          field: 'yearlyrainin',
          sent: '12.5',
          stored: { measurement: 'rain_counter', value: 317.5, unit: 'mm' },
          note: 'yearly rain counter, from in; precipitation is its increase',
        },
        {
          field: 'dailyrainin',
          sent: '0.10',
          stored: null,
          note: 'kept raw: rain comes from the yearly counter',
        },
        { field: 'dateutc', sent: '2026-05-01 12:00:00', stored: null, note: 'the reading’s time' },
        {
          field: 'pm25_ch1',
          sent: '8',
          stored: null,
          note: 'no measurement for this key (kept raw)',
        },
        {
          field: 'stationtype',
          sent: 'GW1100A_V2.3.4',
          stored: null,
          note: 'about the upload (kept raw)',
        },
      ],
      qc: { solar_radiation: ['range'], dew_point: ['derived'] },
    });
  });

  it('reads each protocol with its own table: hourlyrainin is Ambient’s rain rate, WU has no such key', () => {
    const fields = { hourlyrainin: '0.5', ID: 'KXX1' };
    const stored = (protocol: string) =>
      describeUpload(
        ecowitt({
          protocol,
          fields,
          dropped:
            protocol === 'wunderground'
              ? { hourlyrainin: 'no measurement for this key (kept raw)' }
              : null,
          reading: {
            ...(ecowitt().reading as NonNullable<RawUploadRow['reading']>),
            rain_rate: 12.7,
          },
        }),
      ).fields;
    expect(stored('ambient')).toEqual([
      {
        field: 'hourlyrainin',
        sent: '0.5',
        stored: { measurement: 'rain_rate', value: 12.7, unit: 'mm/h' },
        note: 'from in/h',
      },
      { field: 'ID', sent: 'KXX1', stored: null, note: 'the station' },
    ]);
    expect(stored('wunderground')[0]).toEqual({
      field: 'hourlyrainin',
      sent: '0.5',
      stored: null,
      note: 'no measurement for this key (kept raw)',
    });
  });

  it('says so when the reading is gone, and has no QC flags then', () => {
    const described = describeUpload(ecowitt({ reading: null, dropped: null }));
    expect(described.qc).toBeNull();
    expect(described.fields.find((f) => f.field === 'tempf')).toEqual({
      field: 'tempf',
      sent: '68.0',
      stored: null,
      note: 'its reading is no longer stored',
    });
  });

  it('keeps every field of an unknown protocol raw instead of failing', () => {
    const described = describeUpload(ecowitt({ protocol: 'davis', dropped: null }));
    expect(described.fields).toHaveLength(10);
    expect(described.fields.every((f) => f.stored === null)).toBe(true);
  });
});
