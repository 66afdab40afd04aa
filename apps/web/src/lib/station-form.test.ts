import { describe, expect, it } from 'vitest';
import type { RegistryStation } from './registry';
import { parseTags, readStationForm, stationFieldsOf, stationFormValues } from './station-form';

const roof: RegistryStation = {
  station_id: 'ST-1',
  name: 'Roof',
  description: null,
  latitude: 52.52,
  longitude: 13.4,
  elevation: null,
  timezone: 'Europe/Berlin',
  tags: ['roof', 'north'],
  enabled: true,
  gateway_id: null,
  first_seen: null,
  last_seen: null,
  expected_interval_s: 60,
  registered_at: '2026-06-01T09:00:00.000Z',
  credentials: [],
};

describe('stationFormValues', () => {
  it('starts a new station empty, in UTC', () => {
    expect(stationFormValues()).toMatchObject({ name: '', timezone: 'UTC', tags: '' });
  });

  it('fills the form with a registered station, unknown values empty', () => {
    expect(stationFormValues(roof)).toEqual({
      name: 'Roof',
      description: '',
      latitude: '52.52',
      longitude: '13.4',
      elevation: '',
      timezone: 'Europe/Berlin',
      tags: 'roof, north',
      expectedIntervalS: '60',
      gatewayId: '',
    });
  });
});

describe('stationFieldsOf', () => {
  it('registers with what was filled in, leaving empty inputs to the defaults', () => {
    const values = { ...stationFormValues(), name: ' Roof ', latitude: '52.5', longitude: '-0.1' };
    expect(stationFieldsOf(values, 'register')).toEqual({
      fields: { name: 'Roof', latitude: 52.5, longitude: -0.1, timezone: 'UTC' },
      problems: {},
    });
  });

  it('clears an emptied input when editing, and sends every field', () => {
    const values = { ...stationFormValues(roof), name: '', latitude: '', tags: '' };
    expect(stationFieldsOf(values, 'edit').fields).toEqual({
      name: null,
      description: null,
      latitude: null,
      longitude: 13.4,
      elevation: null,
      timezone: 'Europe/Berlin',
      tags: [],
      expectedIntervalS: 60,
      gatewayId: null,
    });
  });

  it('reports a number that does not parse on its field and leaves it out', () => {
    const values = { ...stationFormValues(), latitude: 'north', expectedIntervalS: '1.5' };
    const { fields, problems } = stationFieldsOf(values, 'register');
    expect(problems).toEqual({
      latitude: 'must be a number',
      expectedIntervalS: 'must be a whole number of seconds',
    });
    expect(fields).not.toHaveProperty('latitude');
  });
});

describe('parseTags', () => {
  it('parts tags at commas and spaces', () => {
    expect(parseTags('roof, e2e  north,,')).toEqual(['roof', 'e2e', 'north']);
    expect(parseTags('  ')).toEqual([]);
  });
});

describe('readStationForm', () => {
  it('reads every input of the submitted form, a missing one as empty', () => {
    const form = new FormData();
    form.set('name', 'Roof');
    form.set('latitude', '52.5');
    expect(readStationForm(form)).toEqual({
      ...stationFormValues(),
      timezone: '',
      name: 'Roof',
      latitude: '52.5',
    });
  });
});
