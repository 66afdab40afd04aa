import {
  BATTERY_ENCODINGS,
  type FirmwareUnit,
  PROTOCOL_FIELDS,
} from '@weather/contracts/station-protocols';
import { MEASUREMENT_NAMES, MEASUREMENTS, type Measurement } from '@weather/core/measurements';
import type { Protocol, QcFlags } from '@weather/core/reading';
import { type Database, lastRawUpload, type RawUploadRow } from '@weather/db';
import { requireStation } from './weather';

/** One field of an upload: as sent, and what it became. */
export interface UploadField {
  field: string;
  sent: string;
  /**
   * The measurement it was stored as, with the stored (SI) value (null: stored as missing, see
   * the note); null when it is no measurement's field.
   */
  stored: { measurement: Measurement; value: number | boolean | null; unit: string } | null;
  /** Why it was not stored, or how it was read (a conversion, a rain counter). */
  note: string | null;
}

export interface LastUpload {
  protocol: string;
  timestamp: string;
  received_at: string;
  fields: UploadField[];
  /** The stored reading's QC flags; null when it has none. */
  qc: QcFlags | null;
}

/** How firmware units read in a note ("from °F"); `same` needs none. */
const FIRMWARE_UNITS: Record<Exclude<FirmwareUnit, 'same'>, string> = {
  fahrenheit: '°F',
  mph: 'mph',
  inHg: 'inHg',
  inch: 'in',
};

/** Keys that describe the upload rather than the weather, with what they are. */
const ABOUT_UPLOAD: Record<string, string> = {
  dateutc: 'the reading’s time',
  id: 'the station',
};

const ORDER = new Map(MEASUREMENT_NAMES.map((name, i) => [name, i]));

/**
 * Every field of a raw upload with what it became, read from the protocol's field table (the one
 * the collector parsed it with) and the stored reading: the measurement and its stored value, or
 * the reason it was dropped. Stored fields come first in catalogue order, then the rest by name
 * (`jsonb` does not keep the order they were sent in).
 */
export function describeUpload(row: RawUploadRow): LastUpload {
  const table = PROTOCOL_FIELDS[row.protocol as Protocol] ?? {};
  const reading = row.reading;
  const fields = Object.entries(row.fields).map(([field, sent]): UploadField => {
    const lower = field.toLowerCase();
    const dropped = row.dropped?.[field];
    const mapping = table[lower];
    if (dropped !== undefined) {
      // A key of a measurement whose value was refused (out of range, -9999) is stored as
      // missing (SPEC §13); an unknown key is kept raw only.
      if (!mapping) return { field, sent, stored: null, note: dropped };
      const measurement =
        'counter' in mapping
          ? 'rain_counter'
          : 'battery' in mapping
            ? 'battery_low'
            : mapping.measurement;
      const { unit } = MEASUREMENTS[measurement];
      return { field, sent, stored: { measurement, value: null, unit }, note: dropped };
    }
    if (!mapping) {
      return {
        field,
        sent,
        stored: null,
        note: ABOUT_UPLOAD[lower] ?? 'about the upload (kept raw)',
      };
    }
    if (!reading) return { field, sent, stored: null, note: 'its reading is no longer stored' };
    if ('counter' in mapping) {
      if (reading.rain_counter_kind !== mapping.counter) {
        return {
          field,
          sent,
          stored: null,
          note: reading.rain_counter_kind
            ? `kept raw: rain comes from the ${reading.rain_counter_kind} counter`
            : 'kept raw',
        };
      }
      return {
        field,
        sent,
        stored: { measurement: 'rain_counter', value: reading.rain_counter, unit: 'mm' },
        note: `${mapping.counter} rain counter, from in; precipitation is its increase`,
      };
    }
    if ('battery' in mapping) {
      return {
        field,
        sent,
        stored: { measurement: 'battery_low', value: reading.battery_low, unit: '' },
        note: `${BATTERY_ENCODINGS[mapping.battery].about}; any sensor low makes battery_low true`,
      };
    }
    const { measurement, unit } = mapping;
    const from =
      unit === 'same'
        ? null
        : `from ${FIRMWARE_UNITS[unit]}${MEASUREMENTS[measurement].unit.endsWith('/h') ? '/h' : ''}`;
    return {
      field,
      sent,
      stored: { measurement, value: reading[measurement], unit: MEASUREMENTS[measurement].unit },
      note: from,
    };
  });
  fields.sort((a, b) => {
    if (a.stored && b.stored) {
      return (ORDER.get(a.stored.measurement) ?? 0) - (ORDER.get(b.stored.measurement) ?? 0);
    }
    if (a.stored || b.stored) return a.stored ? -1 : 1;
    return a.field.localeCompare(b.field, 'en', { sensitivity: 'base' });
  });
  return {
    protocol: row.protocol,
    timestamp: row.timestamp,
    received_at: row.received_at,
    fields,
    qc: reading?.qc ?? null,
  };
}

/** The station's newest raw upload, described; 404 for an unknown station. */
export async function stationLastUpload(db: Database, stationId: string) {
  const [, row] = await Promise.all([requireStation(db, stationId), lastRawUpload(db, stationId)]);
  return { station_id: stationId, upload: row ? describeUpload(row) : null };
}
