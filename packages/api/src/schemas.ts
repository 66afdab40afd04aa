import {
  MEASUREMENT_NAMES,
  MEASUREMENTS,
  MIN_READING_MS,
  MIN_READING_TIME,
  stationIdSchema,
} from '@weather/core/reading';
import { INTERVALS } from '@weather/db';
import { z } from 'zod';

/** The last instant of a four-digit year: past it, `toISOString()` writes a six-digit year. */
export const MAX_QUERY_TIME = '9999-12-31T23:59:59.999Z';
const MAX_QUERY_MS = Date.parse(MAX_QUERY_TIME);

// No reading is older than MIN_READING_TIME (SPEC §3), and PostgreSQL cannot take year 0, so a
// bound outside these years is the client's error, not a failed query.
const isoTime = (description: string) =>
  z.iso
    .datetime({ offset: true, abort: true, error: 'must be ISO 8601 with "Z" or a UTC offset' })
    .refine(
      (value) => {
        const ms = Date.parse(value);
        return ms >= MIN_READING_MS && ms <= MAX_QUERY_MS;
      },
      { error: `must be between ${MIN_READING_TIME} and ${MAX_QUERY_TIME}` },
    )
    .meta({ description: `${description}, from ${MIN_READING_TIME} to ${MAX_QUERY_TIME}` });

export const stationParam = stationIdSchema.meta({ description: 'Station id' });

export const rangeInput = {
  start_time: isoTime('Start of the range, inclusive (ISO 8601)').optional(),
  end_time: isoTime('End of the range, exclusive (ISO 8601)').optional(),
};

export const intervalSchema = z.enum(
  Object.keys(INTERVALS) as [keyof typeof INTERVALS, ...(keyof typeof INTERVALS)[]],
);

const measurementValues = Object.fromEntries(
  MEASUREMENT_NAMES.map((m) => [
    m,
    z
      .number()
      .nullable()
      .meta({ description: `${MEASUREMENTS[m].label} (${MEASUREMENTS[m].unit})` }),
  ]),
) as Record<(typeof MEASUREMENT_NAMES)[number], z.ZodNullable<z.ZodNumber>>;

export const readingRow = z.object({
  station_id: z.string(),
  timestamp: z.string(),
  ...measurementValues,
  received_at: z.string(),
});

export const stats = z.object({
  count: z.number(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  avg: z.number().nullable(),
});
const precipitationStats = stats.extend({ sum: z.number().nullable() });

const perMeasurement = <T extends z.ZodType>(make: (name: string) => T) =>
  z.object(
    Object.fromEntries(MEASUREMENT_NAMES.map((m) => [m, make(m)])) as Record<
      (typeof MEASUREMENT_NAMES)[number],
      T
    >,
  );

export const readingsPage = z.object({
  station_id: z.string(),
  readings: z.array(readingRow),
  next_cursor: z
    .string()
    .nullable()
    .meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
});

export const aggregateResult = z.object({
  station_id: z.string(),
  start: z.string().nullable(),
  end: z.string().nullable(),
  count: z.number(),
  first_timestamp: z.string().nullable(),
  last_timestamp: z.string().nullable(),
  measurements: perMeasurement(() => stats).extend({ precipitation: precipitationStats }),
});

export const bucket = z
  .object({ bucket: z.string(), count: z.number() })
  .extend(perMeasurement(() => stats.nullable()).shape)
  .extend({ precipitation: precipitationStats.nullable() });

export const timeseriesResult = z.object({
  station_id: z.string(),
  interval: intervalSchema,
  start: z.string(),
  end: z.string(),
  source: z.enum(['raw', 'continuous_aggregate']),
  buckets: z.array(bucket),
});

export const stationSummary = z.object({
  station_id: z.string(),
  name: z.string().nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  elevation: z.number().nullable(),
  first_seen: z.string(),
  last_seen: z.string(),
  latest: readingRow.nullable(),
});
