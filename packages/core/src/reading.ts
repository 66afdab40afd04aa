import { z } from 'zod';

import { dewPoint, feelsLike, heatIndex, windChill } from './derived';
import {
  type Catalogue,
  isFlag,
  MEASUREMENT_NAMES,
  MEASUREMENTS,
  type Measurement,
  namesOf,
} from './measurements';

export { dewPoint } from './derived';
export { MEASUREMENT_NAMES, MEASUREMENTS, type Measurement } from './measurements';

/** A reading timestamp may be at most this far ahead of the clock it is checked against. */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

/** SPEC §3: no reading is older than this (and PostgreSQL cannot store year 0 at all). */
export const MIN_READING_TIME = '1900-01-01T00:00:00.000Z';
export const MIN_READING_MS = Date.parse(MIN_READING_TIME);

/**
 * Why a value carries a flag (SPEC §14). Notes, which leave the value in every answer:
 * `derived`, computed at ingest (a dew point from temperature and humidity); `counter_reset`,
 * precipitation across a rain counter that went down when no reset was due (the rain since the
 * reset, a lower bound). Doubts, which keep the value out of aggregates unless asked
 * (`SUSPECT_CODES`): `range`, sent out of range and stored as missing; `spike`, one reading
 * that jumps away from both neighbours; `persistence`, a value stuck for hours where the
 * measurement normally moves; `clock`, under the `timestamp` key, an observation time far
 * from when the reading arrived (the station's clock is wrong, so every value of the reading
 * is placed at a doubtful time).
 */
export const QC_CODES = [
  'range',
  'derived',
  'counter_reset',
  'spike',
  'persistence',
  'clock',
] as const;
export type QcCode = (typeof QC_CODES)[number];
/** The codes that make a value doubtful: aggregates leave it out unless asked to include it. */
export const SUSPECT_CODES = [
  'range',
  'spike',
  'persistence',
  'clock',
] as const satisfies readonly QcCode[];
/** The QC key of flags on the reading's time rather than on one measurement. */
export const QC_TIMESTAMP = 'timestamp';
/** QC flags by measurement name (or `timestamp`): `{ "temperature": ["range"] }`. */
export type QcFlags = Partial<Record<string, QcCode[]>>;

/** Rain counter kinds, shortest period first (SPEC §13); a reading keeps its longest. */
export const RAIN_COUNTER_KINDS = ['daily', 'weekly', 'monthly', 'yearly', 'total'] as const;
export type RainCounterKind = (typeof RAIN_COUNTER_KINDS)[number];

/** The station protocols of SPEC §13. */
export const PROTOCOLS = ['wunderground', 'ecowitt', 'ambient'] as const;
export type Protocol = (typeof PROTOCOLS)[number];
/** An upload's fields as the firmware sent them (secrets removed). */
export type RawFields = Record<string, string>;
export interface RawUpload {
  protocol: Protocol;
  fields: RawFields;
  /** Fields sent but not stored as a measurement, with the reason. */
  dropped?: Record<string, string>;
}

/**
 * What a reading may carry beside its measurements. Stations set only `rain_counter_kind`
 * (with `rain_counter`); ingest sets the rest: QC flags, and the raw upload of protocol readings.
 */
export interface ReadingExtras {
  qc?: QcFlags;
  rain_counter_kind?: RainCounterKind;
  raw?: RawUpload;
}

export const STATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export const stationIdSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .regex(STATION_ID_PATTERN, 'must be 1–64 characters of A-Z, a-z, 0-9, ".", "_", ":" or "-"');

const flagOf = (catalogue: Catalogue, name: string) =>
  z
    .boolean({
      error: (issue) => (issue.input === undefined ? undefined : 'must be true, false or null'),
    })
    .nullish()
    .transform((value) => value ?? null)
    .meta({ description: `${(catalogue[name] as Catalogue[string]).label}: true or false` });

const measurementOf = (catalogue: Catalogue, name: string) => {
  const { min, max, unit, label } = catalogue[name] as Catalogue[string];
  const range = `${min} and ${max}${unit ? ` ${unit}` : ''}`;
  return z
    .number({
      error: (issue) => (issue.input === undefined ? undefined : 'must be a number or null'),
    })
    .min(min, `must be between ${range}`)
    .max(max, `must be between ${range}`)
    .nullish()
    .transform((value) => value ?? null)
    .meta({ description: `${label}${unit ? ` in ${unit}` : ''}, ${min} … ${max}` });
};

type MeasurementField = ReturnType<typeof measurementOf>;
type FlagField = ReturnType<typeof flagOf>;

/**
 * One field per measurement of `catalogue`: a number in its range (a flag: true or false), or
 * null/absent (→ null).
 */
export function measurementShape<C extends Catalogue>(catalogue: C) {
  return Object.fromEntries(
    namesOf(catalogue).map((name) => [
      name,
      isFlag(catalogue[name] as Catalogue[string])
        ? flagOf(catalogue, name)
        : measurementOf(catalogue, name),
    ]),
  ) as { [K in keyof C & string]: C[K] extends { type: 'boolean' } ? FlagField : MeasurementField };
}

/**
 * A station's reading as it arrives (SPEC §3). `now` is the clock the 5-minute future limit is
 * checked against: the request time at the collector, `received_at` at the consumer.
 * The timestamp comes out normalised to UTC ISO 8601 with milliseconds.
 */
export function readingSchema<C extends Catalogue = typeof MEASUREMENTS>(
  now: () => number = Date.now,
  catalogue: C = MEASUREMENTS as unknown as C,
) {
  const names = namesOf(catalogue);
  return z
    .object({
      station_id: stationIdSchema,
      timestamp: z.iso
        .datetime({
          offset: true,
          error: (issue) =>
            issue.input === undefined ? 'is required' : 'must be ISO 8601 with "Z" or a UTC offset',
        })
        .transform((value, ctx) => {
          const ms = Date.parse(value);
          if (Number.isNaN(ms)) {
            ctx.addIssue({ code: 'custom', message: 'is not a real date' });
            return z.NEVER;
          }
          if (ms < MIN_READING_MS) {
            ctx.addIssue({ code: 'custom', message: 'is before 1900-01-01T00:00:00Z' });
            return z.NEVER;
          }
          if (ms > now() + MAX_FUTURE_SKEW_MS) {
            ctx.addIssue({ code: 'custom', message: 'is more than 5 minutes in the future' });
            return z.NEVER;
          }
          return new Date(ms).toISOString();
        }),
      ...measurementShape(catalogue),
      rain_counter_kind: z
        .enum(RAIN_COUNTER_KINDS, {
          error: `must be one of ${RAIN_COUNTER_KINDS.join(', ')}`,
        })
        .optional()
        .meta({ description: 'Which counter `rain_counter` is; total when omitted' }),
    })
    .refine((r) => names.some((name) => (r as Record<string, unknown>)[name] !== null), {
      message: `needs at least one measurement (${names.join(', ')})`,
      path: [],
    })
    .refine(
      (r) => {
        const fields = r as Record<string, unknown>;
        return fields.rain_counter_kind === undefined || fields.rain_counter != null;
      },
      { message: 'is only meaningful with rain_counter', path: ['rain_counter_kind'] },
    );
}

/** A validated reading: UTC timestamp, every measurement present as a number (a flag: a boolean) or null. */
export type Reading = z.output<ReturnType<typeof readingSchema<typeof MEASUREMENTS>>> &
  ReadingExtras;
/** What a station may send. */
export type ReadingInput = z.input<ReturnType<typeof readingSchema<typeof MEASUREMENTS>>>;

/** Bounds on what a raw upload may hold, so one request cannot make a huge row. */
export const RAW_LIMITS = { fields: 400, keyLength: 64, valueLength: 256 } as const;

/** The extras as they travel on Kafka: checked by the consumer like everything else. */
export const readingExtrasSchema = z.object({
  qc: z
    .partialRecord(
      z.enum([...MEASUREMENT_NAMES, QC_TIMESTAMP]),
      z.array(z.enum(QC_CODES)).min(1).max(QC_CODES.length),
    )
    .optional(),
  rain_counter_kind: z.enum(RAIN_COUNTER_KINDS).optional(),
  raw: z
    .object({
      protocol: z.enum(PROTOCOLS),
      fields: z
        .record(z.string().max(RAW_LIMITS.keyLength), z.string().max(RAW_LIMITS.valueLength))
        .refine((f) => Object.keys(f).length <= RAW_LIMITS.fields, 'too many fields'),
      dropped: z
        .record(z.string().max(RAW_LIMITS.keyLength), z.string().max(RAW_LIMITS.valueLength))
        .optional(),
    })
    .optional(),
});

/**
 * The reading with what ingest derives when the station did not send it (SPEC §14), each
 * marked `derived`: the dew point, wind chill, heat index and feels-like temperature
 * (`@weather/core/derived`; wind chill and heat index only within their definitions). Returns
 * the same object when nothing is derived.
 */
export function withDerived<R extends Reading>(reading: R): R & ReadingExtras {
  const t = reading.temperature;
  if (t === null) return reading;
  const rh = reading.humidity;
  const wind = reading.wind_speed;
  const derived: Partial<Record<Measurement, number | null>> = {};
  if (reading.dew_point === null && rh !== null) derived.dew_point = dewPoint(t, rh);
  if (reading.wind_chill === null && wind !== null) derived.wind_chill = windChill(t, wind);
  if (reading.heat_index === null && rh !== null) derived.heat_index = heatIndex(t, rh);
  if (reading.feels_like === null) derived.feels_like = feelsLike(t, rh, wind);
  let out: (R & ReadingExtras) | null = null;
  for (const [name, value] of Object.entries(derived) as [Measurement, number | null][]) {
    const { min, max } = MEASUREMENTS[name];
    if (value === null || !Number.isFinite(value) || value < min || value > max) continue;
    out ??= { ...reading, qc: { ...reading.qc } };
    (out as Record<string, unknown>)[name] = value;
    (out.qc as QcFlags)[name] = ['derived'];
  }
  return out ?? reading;
}

/** Every measurement absent: the base of a reading built by hand (tests, fixtures). */
export const ABSENT_MEASUREMENTS = Object.freeze(
  Object.fromEntries(MEASUREMENT_NAMES.map((name) => [name, null])),
) as { readonly [K in (typeof MEASUREMENT_NAMES)[number]]: null };

/** The identity of a reading (SPEC §3): a second reading with the same key is a duplicate. */
export const readingKey = (r: { station_id: string; timestamp: string }) =>
  `${r.station_id}\u0000${r.timestamp}`;

/** Flattens zod issues into `{ path, message }` pairs a client can act on. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(reading)',
    message: issue.message,
  }));
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** The number written by `length` ASCII digits of `s` from `at`, or -1. */
function digitsAt(s: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Epoch ms of a canonical UTC timestamp of a real date — "2026-06-01T10:00:00Z" or
 * "2026-06-01T10:00:00.000Z", years 1900–9999 — else NaN. What a station's clock prints, read
 * without a regular expression or a Date.
 */
function canonicalUtcMs(s: string): number {
  const millis = s.length === 24 ? digitsAt(s, 20, 3) : s.length === 20 ? 0 : -1;
  if (millis < 0 || s[s.length - 1] !== 'Z' || (s.length === 24 && s[19] !== '.'))
    return Number.NaN;
  if (s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':') {
    return Number.NaN;
  }
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  const second = digitsAt(s, 17, 2);
  const monthDays = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (year < 1900 || day < 1 || day > monthDays || hour < 0 || hour > 23) return Number.NaN;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}

/**
 * The common case of `readingSchema`, checked without zod: a plain object with a valid station
 * id, a canonical UTC timestamp of a real date, and in-range numbers or null/absent
 * measurements, at least one present. Returns exactly what the schema would output, or
 * undefined when the input is anything else (then the schema decides and words the errors).
 * Never accepts what the schema rejects; `reading.test.ts` checks that both agree.
 */
export function fastReading(
  input: unknown,
  now: number,
  catalogue: Catalogue = MEASUREMENTS,
  names: readonly string[] = catalogue === MEASUREMENTS ? MEASUREMENT_NAMES : namesOf(catalogue),
): Reading | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const r = input as Record<string, unknown>;
  const { station_id, timestamp } = r;
  if (typeof station_id !== 'string' || !STATION_ID_PATTERN.test(station_id)) return undefined;
  if (typeof timestamp !== 'string') return undefined;
  const ms = canonicalUtcMs(timestamp);
  if (!(ms <= now + MAX_FUTURE_SKEW_MS)) return undefined; // also NaN
  // Rare: the schema checks it.
  if (r.rain_counter_kind !== undefined) return undefined;
  const iso = timestamp.length === 20 ? `${timestamp.slice(0, 19)}.000Z` : timestamp;
  const out = { station_id, timestamp: iso } as Record<string, unknown>;
  let present = 0;
  for (const name of names) {
    const value = r[name];
    if (value === undefined || value === null) {
      out[name] = null;
      continue;
    }
    const spec = catalogue[name] as Catalogue[string];
    if (typeof value === 'boolean') {
      if (!isFlag(spec)) return undefined;
    } else if (
      typeof value !== 'number' ||
      isFlag(spec) ||
      !(value >= spec.min && value <= spec.max)
    ) {
      return undefined;
    }
    out[name] = value;
    present++;
  }
  return present > 0 ? (out as unknown as Reading) : undefined;
}

/**
 * `readingSchema(now).safeParse`, with a fast path for well-formed readings: validating every
 * reading of large batches through zod alone costs several microseconds each.
 */
export function readingParser<C extends Catalogue = typeof MEASUREMENTS>(
  now: () => number = Date.now,
  catalogue: C = MEASUREMENTS as unknown as C,
) {
  const schema = readingSchema(now, catalogue);
  const names = namesOf(catalogue);
  type Output = z.output<typeof schema>;
  return (input: unknown) => {
    const data = fastReading(input, now(), catalogue, names) as Output | undefined;
    return data ? ({ success: true, data } as const) : schema.safeParse(input);
  };
}
