import { z } from 'zod';

import { type Catalogue, MEASUREMENT_NAMES, MEASUREMENTS, namesOf } from './measurements';

export { MEASUREMENT_NAMES, MEASUREMENTS, type Measurement } from './measurements';

/** A reading timestamp may be at most this far ahead of the clock it is checked against. */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

/** SPEC §3: no reading is older than this (and PostgreSQL cannot store year 0 at all). */
export const MIN_READING_TIME = '1900-01-01T00:00:00.000Z';
export const MIN_READING_MS = Date.parse(MIN_READING_TIME);

export const STATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export const stationIdSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .regex(STATION_ID_PATTERN, 'must be 1–64 characters of A-Z, a-z, 0-9, ".", "_", ":" or "-"');

const measurementOf = (catalogue: Catalogue, name: string) => {
  const { min, max, unit, label } = catalogue[name] as Catalogue[string];
  return z
    .number({
      error: (issue) => (issue.input === undefined ? undefined : 'must be a number or null'),
    })
    .min(min, `must be between ${min} and ${max} ${unit}`)
    .max(max, `must be between ${min} and ${max} ${unit}`)
    .nullish()
    .transform((value) => value ?? null)
    .meta({ description: `${label} in ${unit}, ${min} … ${max}` });
};

type MeasurementField = ReturnType<typeof measurementOf>;

/** One field per measurement of `catalogue`: a number in its range, or null/absent (→ null). */
export function measurementShape<C extends Catalogue>(catalogue: C) {
  return Object.fromEntries(
    namesOf(catalogue).map((name) => [name, measurementOf(catalogue, name)]),
  ) as { [K in keyof C & string]: MeasurementField };
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
    })
    .refine((r) => names.some((name) => (r as Record<string, unknown>)[name] !== null), {
      message: `needs at least one measurement (${names.join(', ')})`,
      path: [],
    });
}

/** A validated reading: UTC timestamp, every measurement present as a number or null. */
export type Reading = z.output<ReturnType<typeof readingSchema<typeof MEASUREMENTS>>>;
/** What a station may send. */
export type ReadingInput = z.input<ReturnType<typeof readingSchema<typeof MEASUREMENTS>>>;

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
  const iso = timestamp.length === 20 ? `${timestamp.slice(0, 19)}.000Z` : timestamp;
  const out = { station_id, timestamp: iso } as Record<string, unknown>;
  let present = 0;
  for (const name of names) {
    const value = r[name];
    if (value === undefined || value === null) {
      out[name] = null;
      continue;
    }
    const { min, max } = catalogue[name] as Catalogue[string];
    if (typeof value !== 'number' || !(value >= min && value <= max)) return undefined;
    out[name] = value;
    present++;
  }
  return present > 0 ? (out as Reading) : undefined;
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
