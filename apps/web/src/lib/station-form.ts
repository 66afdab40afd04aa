import type { inferRouterInputs } from '@trpc/server';
import type { AppRouter } from '@weather/api';
import type { RegistryStation } from './registry';

/** A station's fields as `stations.register` and `stations.update` take them. */
export type StationFieldsInput = inferRouterInputs<AppRouter>['stations']['update']['fields'];

/** The station form's inputs, as text (what the inputs hold). */
export interface StationFormValues {
  name: string;
  description: string;
  latitude: string;
  longitude: string;
  elevation: string;
  timezone: string;
  tags: string;
  expectedIntervalS: string;
  gatewayId: string;
}

/** The submitted form's inputs (a file input, which it has none of, reads as empty). */
export function readStationForm(form: { get(name: string): unknown }): StationFormValues {
  const read = (key: keyof StationFormValues) => {
    const value = form.get(key);
    return typeof value === 'string' ? value : '';
  };
  return {
    name: read('name'),
    description: read('description'),
    latitude: read('latitude'),
    longitude: read('longitude'),
    elevation: read('elevation'),
    timezone: read('timezone'),
    tags: read('tags'),
    expectedIntervalS: read('expectedIntervalS'),
    gatewayId: read('gatewayId'),
  };
}

const text = (value: number | string | null) => (value === null ? '' : String(value));

/** The form filled with a registered station (editing), or empty with UTC (registering). */
export function stationFormValues(station?: RegistryStation): StationFormValues {
  if (!station) {
    return {
      name: '',
      description: '',
      latitude: '',
      longitude: '',
      elevation: '',
      timezone: 'UTC',
      tags: '',
      expectedIntervalS: '',
      gatewayId: '',
    };
  }
  return {
    name: text(station.name),
    description: text(station.description),
    latitude: text(station.latitude),
    longitude: text(station.longitude),
    elevation: text(station.elevation),
    timezone: station.timezone,
    tags: station.tags.join(', '),
    expectedIntervalS: text(station.expected_interval_s),
    gatewayId: text(station.gateway_id),
  };
}

/** "roof, e2e  north" → ["roof", "e2e", "north"]: commas or spaces part tags. */
export const parseTags = (value: string) => value.split(/[\s,]+/).filter((tag) => tag.length > 0);

/**
 * The form's text as station fields. Registering leaves an empty input out (the registry's
 * default); editing sends it as null, which clears it. A number that does not parse is a
 * problem of its field, reported before anything is sent; ranges are the server's to check.
 */
export function stationFieldsOf(
  values: StationFormValues,
  mode: 'register' | 'edit',
): { fields: StationFieldsInput; problems: Partial<Record<keyof StationFormValues, string>> } {
  const problems: Partial<Record<keyof StationFormValues, string>> = {};
  const empty = mode === 'edit' ? null : undefined;
  const textOf = (value: string) => (value.trim() === '' ? empty : value.trim());
  const numberOf = (key: 'latitude' | 'longitude' | 'elevation' | 'expectedIntervalS') => {
    const raw = values[key].trim();
    if (raw === '') return empty;
    const value = Number(raw);
    if (!Number.isFinite(value)) {
      problems[key] = 'must be a number';
      return undefined;
    }
    if (key === 'expectedIntervalS' && !Number.isInteger(value)) {
      problems[key] = 'must be a whole number of seconds';
      return undefined;
    }
    return value;
  };
  const fields: StationFieldsInput = {
    name: textOf(values.name),
    description: textOf(values.description),
    latitude: numberOf('latitude'),
    longitude: numberOf('longitude'),
    elevation: numberOf('elevation'),
    timezone: values.timezone.trim() || (mode === 'register' ? 'UTC' : undefined),
    tags: mode === 'edit' || values.tags.trim() !== '' ? parseTags(values.tags) : undefined,
    expectedIntervalS: numberOf('expectedIntervalS'),
    gatewayId: textOf(values.gatewayId),
  };
  // A field left out keeps its value.
  const named = Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as StationFieldsInput;
  return { fields: named, problems };
}
