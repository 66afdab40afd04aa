/**
 * The upload protocols consumer weather-station firmware speaks (SPEC §13; facts in
 * `shared/reference/station-protocols.md`): Weather Underground, Ecowitt "customized" and
 * Ambient Weather "customized server". Each is a table from the firmware's keys to catalogue
 * measurements with the exact factor to SI; `parseUpload` turns one upload's key=value pairs
 * into a reading, its raw fields (secrets removed) and what it dropped and why. The collector
 * receives with it; the generator's protocol modes send with the same tables, inverted.
 */
import type { Measurement } from '@weather/core/measurements';
import {
  MAX_FUTURE_SKEW_MS,
  MEASUREMENTS,
  MIN_READING_MS,
  type Protocol,
  type QcFlags,
  RAIN_COUNTER_KINDS,
  RAW_LIMITS,
  type RainCounterKind,
  type RawFields,
} from '@weather/core/reading';

/** Units firmware sends, with the exact conversion to the catalogue's unit and back. */
export const UNITS = {
  fahrenheit: { toSi: (f: number) => ((f - 32) * 5) / 9, fromSi: (c: number) => (c * 9) / 5 + 32 },
  mph: { toSi: (v: number) => v * 0.44704, fromSi: (v: number) => v / 0.44704 },
  inHg: { toSi: (v: number) => v * 33.8639, fromSi: (v: number) => v / 33.8639 },
  /** Inches of rain (and inches per hour) to mm (mm/h). */
  inch: { toSi: (v: number) => v * 25.4, fromSi: (v: number) => v / 25.4 },
  same: { toSi: (v: number) => v, fromSi: (v: number) => v },
} as const;
export type FirmwareUnit = keyof typeof UNITS;

/**
 * How firmware says a sensor's battery is low (reference §2.2–2.3): a 0/1 flag of either
 * polarity (Ecowitt's `wh65batt` is 1 when low, Ambient's `battout` 1 when OK), or a level 0–5
 * where 1 or less is low. `ok` is what a sensor with a good battery sends.
 */
export const BATTERY_ENCODINGS = {
  low_is_1: {
    low: (v: number) => v === 1,
    valid: (v: number) => v === 0 || v === 1,
    ok: '0',
    about: '1 = low, 0 = OK',
  },
  ok_is_1: {
    low: (v: number) => v === 0,
    valid: (v: number) => v === 0 || v === 1,
    ok: '1',
    about: '0 = low, 1 = OK',
  },
  level: {
    low: (v: number) => v <= 1,
    valid: (v: number) => Number.isInteger(v) && v >= 0 && v <= 5,
    ok: '5',
    about: 'level 0–5, 1 or less = low',
  },
} as const;
export type BatteryEncoding = keyof typeof BATTERY_ENCODINGS;

/**
 * One firmware key: the measurement it fills, the rain counter of a period, or a sensor's battery
 * (every battery of an upload makes one `battery_low`: true when any is low).
 */
export type FieldMapping =
  | {
      measurement: Exclude<Measurement, 'rain_counter' | 'precipitation' | 'battery_low'>;
      unit: FirmwareUnit;
    }
  | { counter: RainCounterKind }
  | { battery: BatteryEncoding };

/** `prefix1` … `prefixN` as keys of one battery encoding. */
const numbered = (prefix: string, count: number, battery: BatteryEncoding) =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`${prefix}${i + 1}`, { battery }]),
  ) as Record<string, { battery: BatteryEncoding }>;

/**
 * Ecowitt batteries: 0/1 flags (1 = low) and levels 0–5. Its voltage-reporting sensors
 * (`wh80batt`, `soilbatt1`, …) are kept raw: when a voltage is low depends on the sensor model.
 */
const ECOWITT_BATTERIES = {
  wh25batt: { battery: 'low_is_1' },
  wh26batt: { battery: 'low_is_1' },
  wh65batt: { battery: 'low_is_1' },
  ...numbered('batt', 8, 'low_is_1'),
  wh57batt: { battery: 'level' },
  co2_batt: { battery: 'level' },
  ...numbered('pm25batt', 4, 'level'),
  ...numbered('leakbatt', 4, 'level'),
} as const satisfies Record<string, FieldMapping>;

/** Ambient batteries: 0/1 flags, 1 = OK (the opposite of Ecowitt's). */
const AMBIENT_BATTERIES = {
  battout: { battery: 'ok_is_1' },
  battin: { battery: 'ok_is_1' },
  ...numbered('batt', 10, 'ok_is_1'),
  batt_25: { battery: 'ok_is_1' },
  batt_co2: { battery: 'ok_is_1' },
  batt_lightning: { battery: 'ok_is_1' },
  battrain: { battery: 'ok_is_1' },
  ...numbered('battsm', 4, 'ok_is_1'),
  ...numbered('batleak', 4, 'ok_is_1'),
} as const satisfies Record<string, FieldMapping>;

/** Ecowitt keys that report a battery's voltage: kept raw, with this reason. */
const VOLTAGE_KEYS = new Set([
  'wh40batt',
  'wh68batt',
  'wh80batt',
  'wh85batt',
  'wh90batt',
  'console_batt',
  'bgtbatt',
  'ws90cap_volt',
  ...Array.from({ length: 16 }, (_, i) => `soilbatt${i + 1}`),
  ...Array.from({ length: 8 }, (_, i) => `leaf_batt${i + 1}`),
  ...Array.from({ length: 8 }, (_, i) => `tf_batt${i + 1}`),
]);
const VOLTAGE_REASON = 'battery voltage, kept raw: when it is low depends on the sensor model';

/** Keys every protocol shares (Ecowitt and Ambient use the same names; WU most of them). */
const COMMON = {
  tempf: { measurement: 'temperature', unit: 'fahrenheit' },
  humidity: { measurement: 'humidity', unit: 'same' },
  winddir: { measurement: 'wind_direction', unit: 'same' },
  windspeedmph: { measurement: 'wind_speed', unit: 'mph' },
  windgustmph: { measurement: 'wind_gust', unit: 'mph' },
  solarradiation: { measurement: 'solar_radiation', unit: 'same' },
  uv: { measurement: 'uv_index', unit: 'same' },
  dailyrainin: { counter: 'daily' },
  weeklyrainin: { counter: 'weekly' },
  monthlyrainin: { counter: 'monthly' },
  yearlyrainin: { counter: 'yearly' },
} as const satisfies Record<string, FieldMapping>;

/** Ecowitt and Ambient: relative (user-calibrated, sea level) and absolute (station) pressure. */
const CONSOLE = {
  ...COMMON,
  baromrelin: { measurement: 'pressure', unit: 'inHg' },
  baromabsin: { measurement: 'station_pressure', unit: 'inHg' },
  totalrainin: { counter: 'total' },
} as const satisfies Record<string, FieldMapping>;

/**
 * Firmware key (lower case: keys are matched without case, `UV` and `uv` alike) → mapping.
 * Keys not here are kept raw and listed as dropped. WU's `rainin` (a rolling 60-minute total)
 * and the counters shorter than the longest one sent stay raw too: rain comes from the
 * longest counter.
 */
export const PROTOCOL_FIELDS: Record<Protocol, Record<string, FieldMapping>> = {
  wunderground: {
    ...COMMON,
    dewptf: { measurement: 'dew_point', unit: 'fahrenheit' },
    windchillf: { measurement: 'wind_chill', unit: 'fahrenheit' },
    baromin: { measurement: 'pressure', unit: 'inHg' },
    absbaromin: { measurement: 'station_pressure', unit: 'inHg' },
    lowbatt: { battery: 'low_is_1' },
  },
  ecowitt: {
    ...CONSOLE,
    ...ECOWITT_BATTERIES,
    rainratein: { measurement: 'rain_rate', unit: 'inch' },
  },
  ambient: {
    ...CONSOLE,
    ...AMBIENT_BATTERIES,
    // Ambient's data specification defines hourlyrainin as the rain rate, in/h.
    hourlyrainin: { measurement: 'rain_rate', unit: 'inch' },
  },
};

/** Keys that describe the upload, not the weather: kept raw, not listed as dropped. */
const META_KEYS = new Set([
  'action',
  'id',
  'dateutc',
  'stationtype',
  'model',
  'freq',
  'runtime',
  'heap',
  'interval',
  'softwaretype',
  'realtime',
  'rtfreq',
  'mac',
]);

/** Keys whose values are credentials: never stored, logged or published. */
const SECRET_KEYS = new Set(['password', 'passkey']);

/** `-9999`: "no value" in Fine Offset and Ecowitt firmware. */
const MISSING = -9999;

export interface ParsedUpload {
  /** The reading as the JSON API would carry it (timestamp ISO, SI values, null when absent). */
  reading: Record<string, unknown> & { timestamp: string };
  qc: QcFlags | undefined;
  rainCounterKind: RainCounterKind | undefined;
  /** Every field sent, last value of a repeated key, secrets removed (bounded by RAW_LIMITS). */
  fields: RawFields;
  /** Fields sent that are not stored as a measurement, with the reason. */
  dropped: Record<string, string>;
  /** Measurements refused as out of range (for the collector's counter). */
  outOfRange: Measurement[];
}

export type UploadResult = { ok: true; upload: ParsedUpload } | { ok: false; message: string };

/**
 * One upload's pairs (`URLSearchParams` decodes `+` and `%20` alike) as a reading. Lenient where
 * firmware is sloppy — key case, repeated keys (the last wins), `-9999`, unknown keys, `dateutc`
 * as `now`, absent, unpadded or oddly spaced — and safe where data is at stake: a value out of
 * its range is stored as missing with a `range` flag, never clamped. Fails only when the time
 * is unreadable or out of bounds.
 */
export function parseUpload(
  protocol: Protocol,
  params: URLSearchParams,
  receivedAt: Date,
): UploadResult {
  const table = PROTOCOL_FIELDS[protocol];
  const values = new Map<string, { key: string; value: string }>();
  for (const [key, value] of params) values.set(key.toLowerCase(), { key, value });

  const fields: RawFields = {};
  const dropped: Record<string, string> = {};
  const reading: Record<string, unknown> = {};
  const qc: QcFlags = {};
  const outOfRange: Measurement[] = [];
  const counters = new Map<RainCounterKind, { key: string; value: number }>();
  // Any sensor's battery low makes the station's battery low; null when none was sent.
  let batteryLow: boolean | null = null;
  let kept = 0;

  for (const [lower, { key, value }] of values) {
    if (SECRET_KEYS.has(lower)) continue;
    if (kept < RAW_LIMITS.fields && key.length <= RAW_LIMITS.keyLength) {
      fields[key] = value.slice(0, RAW_LIMITS.valueLength);
      kept++;
    }
    if (META_KEYS.has(lower)) continue;
    const mapping = table[lower];
    if (!mapping) {
      dropped[key] =
        protocol === 'ecowitt' && VOLTAGE_KEYS.has(lower)
          ? VOLTAGE_REASON
          : 'no measurement for this key (kept raw)';
      continue;
    }
    const number = value.trim() === '' ? Number.NaN : Number(value);
    if (number === MISSING) {
      dropped[key] = 'missing (-9999)';
      continue;
    }
    if (!Number.isFinite(number)) {
      dropped[key] = `not a number: "${value.slice(0, 32)}"`;
      continue;
    }
    if ('counter' in mapping) {
      counters.set(mapping.counter, { key, value: number });
      continue;
    }
    if ('battery' in mapping) {
      const encoding = BATTERY_ENCODINGS[mapping.battery];
      if (!encoding.valid(number)) {
        dropped[key] = `not a battery state (${encoding.about}): "${value.slice(0, 32)}"`;
        continue;
      }
      batteryLow = batteryLow === true || encoding.low(number);
      continue;
    }
    const { measurement } = mapping;
    const si = UNITS[mapping.unit].toSi(number);
    const { min, max } = MEASUREMENTS[measurement];
    if (si >= min && si <= max) {
      reading[measurement] = si;
    } else {
      reading[measurement] = null;
      qc[measurement] = ['range'];
      outOfRange.push(measurement);
      dropped[key] = outOfRangeReason(si, MEASUREMENTS[measurement]);
    }
  }

  // The longest-period counter sent is the one kept (SPEC §13).
  const rainCounterKind = [...RAIN_COUNTER_KINDS].reverse().find((kind) => counters.has(kind));
  if (rainCounterKind) {
    const { key, value } = counters.get(rainCounterKind) as { key: string; value: number };
    const si = UNITS.inch.toSi(value);
    const { min, max } = MEASUREMENTS.rain_counter;
    if (si >= min && si <= max) {
      reading.rain_counter = si;
    } else {
      reading.rain_counter = null;
      qc.rain_counter = ['range'];
      outOfRange.push('rain_counter');
      dropped[key] = outOfRangeReason(si, MEASUREMENTS.rain_counter);
    }
  }

  if (batteryLow !== null) reading.battery_low = batteryLow;

  const time = parseDateutc(values.get('dateutc')?.value, receivedAt);
  if (typeof time === 'string') return { ok: false, message: time };
  return {
    ok: true,
    upload: {
      reading: { ...reading, timestamp: time.toISOString() },
      qc: Object.keys(qc).length > 0 ? qc : undefined,
      rainCounterKind: reading.rain_counter != null ? rainCounterKind : undefined,
      fields,
      dropped,
      outOfRange,
    },
  };
}

/** "out of range: 148.9 °C (accepted -90 … 65 °C)": what the station page shows for the field. */
function outOfRangeReason(
  value: number,
  { min, max, unit }: { min: number; max: number; unit: string },
) {
  const u = unit ? ` ${unit}` : '';
  return `out of range: ${Math.round(value * 10) / 10}${u} (accepted ${min} … ${max}${u})`;
}

/**
 * `dateutc` as firmware sends it: `YYYY-MM-DD HH:MM:SS` in UTC, or `now`, or absent (both: the
 * time received), unpadded (`2016-1-4 21:2:35`) or with spaces after the colons
 * (`2024-02-08 10: 36: 28`). A message when it is unreadable, not a real date, before 1900 or
 * more than 5 minutes ahead of the time received.
 */
export function parseDateutc(value: string | undefined, receivedAt: Date): Date | string {
  const text = value?.trim() ?? '';
  if (text === '' || text.toLowerCase() === 'now') return receivedAt;
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T]+(\d{1,2}) *: *(\d{1,2}) *: *(\d{1,2})$/.exec(text);
  if (!m) return `dateutc "${text.slice(0, 40)}" is not a UTC time (YYYY-MM-DD HH:MM:SS or now)`;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as number[];
  const ms = Date.UTC(year as number, (month as number) - 1, day, hour, minute, second);
  const date = new Date(ms);
  if (
    date.getUTCMonth() !== (month as number) - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    (minute as number) > 59 ||
    (second as number) > 59
  ) {
    return `dateutc "${text}" is not a real date`;
  }
  if (ms < MIN_READING_MS) return `dateutc "${text}" is before 1900`;
  if (ms > receivedAt.getTime() + MAX_FUTURE_SKEW_MS) {
    return `dateutc "${text}" is more than 5 minutes in the future (is the station's clock UTC?)`;
  }
  return date;
}

/** The pairs of an Ambient request however its firmware glued them to the path (SPEC §13). */
export function ambientPairs(afterToken: string): URLSearchParams {
  // `?k=v`, `?&k=v`, `&k=v`, `/k=v`, `/?k=v`: strip the glue, and read a `?` that firmware put
  // between pairs as one more separator.
  return new URLSearchParams(afterToken.replace(/^[/?&]+/, '').replace(/\?/g, '&'));
}
