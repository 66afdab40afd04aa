import { z } from 'zod';

/** SPEC §3: each measurement's unit and accepted range. The one definition every part uses. */
export const MEASUREMENTS = {
  temperature: { unit: '°C', min: -90, max: 65, label: 'Temperature' },
  humidity: { unit: '%', min: 0, max: 100, label: 'Humidity' },
  wind_speed: { unit: 'm/s', min: 0, max: 120, label: 'Wind speed' },
  wind_direction: { unit: '°', min: 0, max: 360, label: 'Wind direction' },
  wind_gust: { unit: 'm/s', min: 0, max: 150, label: 'Wind gust' },
  pressure: { unit: 'hPa', min: 850, max: 1100, label: 'Pressure' },
  precipitation: { unit: 'mm', min: 0, max: 500, label: 'Precipitation' },
} as const;

export type Measurement = keyof typeof MEASUREMENTS;
export const MEASUREMENT_NAMES = Object.keys(MEASUREMENTS) as Measurement[];

/** A reading timestamp may be at most this far ahead of the clock it is checked against. */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

export const STATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export const stationIdSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .regex(STATION_ID_PATTERN, 'must be 1–64 characters of A-Z, a-z, 0-9, ".", "_", ":" or "-"');

const measurement = (name: Measurement) => {
  const { min, max, unit } = MEASUREMENTS[name];
  return z
    .number({
      error: (issue) => (issue.input === undefined ? undefined : 'must be a number or null'),
    })
    .min(min, `must be between ${min} and ${max} ${unit}`)
    .max(max, `must be between ${min} and ${max} ${unit}`)
    .nullish()
    .transform((value) => value ?? null)
    .meta({ description: `${MEASUREMENTS[name].label} in ${unit}, ${min} … ${max}` });
};

const measurementShape = Object.fromEntries(
  MEASUREMENT_NAMES.map((name) => [name, measurement(name)]),
) as { [K in Measurement]: ReturnType<typeof measurement> };

/**
 * A station's reading as it arrives (SPEC §3). `now` is the clock the 5-minute future limit is
 * checked against: the request time at the collector, `received_at` at the consumer.
 * The timestamp comes out normalised to UTC ISO 8601 with milliseconds.
 */
export function readingSchema(now: () => number = Date.now) {
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
          if (ms > now() + MAX_FUTURE_SKEW_MS) {
            ctx.addIssue({ code: 'custom', message: 'is more than 5 minutes in the future' });
            return z.NEVER;
          }
          return new Date(ms).toISOString();
        }),
      ...measurementShape,
    })
    .refine((r) => MEASUREMENT_NAMES.some((name) => r[name] !== null), {
      message: `needs at least one measurement (${MEASUREMENT_NAMES.join(', ')})`,
      path: [],
    });
}

/** A validated reading: UTC timestamp, every measurement present as a number or null. */
export type Reading = z.output<ReturnType<typeof readingSchema>>;
/** What a station may send. */
export type ReadingInput = z.input<ReturnType<typeof readingSchema>>;

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
