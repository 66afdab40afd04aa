import { HEALTH_STATES } from '@weather/core/health';
import {
  type Aggregation,
  type Catalogue,
  isFlag,
  MEASUREMENT_NAMES,
  MEASUREMENTS,
  namesOf,
} from '@weather/core/measurements';
import {
  MIN_READING_MS,
  MIN_READING_TIME,
  QC_CODES,
  QC_TIMESTAMP,
  RAIN_COUNTER_KINDS,
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

/** `include_flagged`: `true` or `false` in a query string, a boolean from tRPC. */
export const includeFlaggedInput = {
  include_flagged: z
    .preprocess(
      (value) => (value === 'true' ? true : value === 'false' ? false : value),
      z.boolean({ error: 'must be true or false' }),
    )
    .optional()
    .meta({
      description:
        'Put values with a doubt (spike, persistence, clock) into the figures; by default they are left out and counted in `flagged`',
    }),
};

export const intervalSchema = z.enum(
  Object.keys(INTERVALS) as [keyof typeof INTERVALS, ...(keyof typeof INTERVALS)[]],
);

export const stats = z.object({
  count: z.number(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  avg: z.number().nullable(),
  flagged: z.number().meta({
    description:
      'Values there with a doubt (spike, persistence, clock; SPEC §14), left out of the other figures unless `include_flagged`. A value dropped as out of range is missing, not counted here',
  }),
});

/**
 * A measurement's figures over a bucket or a range, by how it aggregates. `avg` is the circular
 * mean for a direction and the share for a flag; a total (`sum`) comes with its own field.
 */
export const STATS_BY_AGGREGATION = {
  mean: stats,
  sum: stats.extend({ sum: z.number().nullable() }),
  circular_mean: stats,
  max: stats,
  last: stats,
  share_true: stats,
} as const satisfies Record<Aggregation, z.ZodObject>;

type StatsOf<C extends Catalogue> = {
  [K in keyof C & string]: (typeof STATS_BY_AGGREGATION)[C[K]['aggregation']];
};

const statsOf = <C extends Catalogue>(catalogue: C) =>
  Object.fromEntries(
    Object.entries(catalogue).map(([name, spec]) => [name, STATS_BY_AGGREGATION[spec.aggregation]]),
  ) as StatsOf<C>;

/**
 * The API's response schemas for a catalogue (SPEC §14): a reading has a nullable number per
 * measurement, an aggregate and a bucket the figures of each measurement's aggregation.
 */
export function apiSchemasFor<C extends Catalogue = typeof MEASUREMENTS>(
  catalogue: C = MEASUREMENTS as unknown as C,
) {
  const names = namesOf(catalogue);
  const values = Object.fromEntries(
    Object.entries(catalogue).map(([name, spec]) => [
      name,
      isFlag(spec)
        ? z
            .boolean()
            .nullable()
            .meta({ description: `${spec.label}: true or false` })
        : z
            .number()
            .nullable()
            .meta({ description: spec.unit ? `${spec.label} (${spec.unit})` : spec.label }),
    ]),
  ) as {
    [K in keyof C & string]: C[K] extends { type: 'boolean' }
      ? z.ZodNullable<z.ZodBoolean>
      : z.ZodNullable<z.ZodNumber>;
  };
  const measurementStats = statsOf(catalogue);
  const nullableStats = Object.fromEntries(
    names.map((name) => [name, measurementStats[name].nullable()]),
  ) as { [K in keyof C & string]: z.ZodNullable<StatsOf<C>[K]> };

  const readingRow = z.object({
    station_id: z.string(),
    timestamp: z.string(),
    ...values,
    received_at: z.string(),
    rain_counter_kind: z
      .enum(RAIN_COUNTER_KINDS)
      .nullable()
      .meta({ description: 'Which counter `rain_counter` is; null without one' }),
    qc: z
      .partialRecord(
        z.enum([QC_TIMESTAMP, ...(names as string[])] as [string, ...string[]]),
        z.array(z.enum(QC_CODES)),
      )
      .nullable()
      .meta({
        description:
          'QC flags by measurement (SPEC §14). Doubts, which keep the value out of aggregates unless `include_flagged`: `range` (sent out of range, stored as missing), `spike` (jumps away from both neighbours), `persistence` (stuck for hours), and `clock` under `timestamp` (observation time far from arrival). Notes: `derived` (computed at ingest), `counter_reset` (rain across an unexpected counter reset). Null when none',
      }),
  });

  const readingsPage = z.object({
    station_id: z.string(),
    readings: z.array(readingRow),
    next_cursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  });

  const aggregateResult = z.object({
    station_id: z.string(),
    start: z.string().nullable(),
    end: z.string().nullable(),
    count: z.number(),
    first_timestamp: z.string().nullable(),
    last_timestamp: z.string().nullable(),
    measurements: z.object(measurementStats),
  });

  const bucket = z.object({ bucket: z.string(), count: z.number(), ...nullableStats });

  const timeseriesResult = z.object({
    station_id: z.string(),
    interval: intervalSchema,
    start: z.string(),
    end: z.string(),
    source: z.enum(['raw', 'continuous_aggregate']),
    buckets: z.array(bucket),
  });

  const stationSummary = z.object({
    station_id: z.string(),
    name: z.string().nullable(),
    description: z.string().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    elevation: z.number().nullable().meta({ description: 'Metres above sea level' }),
    timezone: z.string().meta({ description: 'IANA time zone of the station' }),
    tags: z.array(z.string()),
    enabled: z.boolean().meta({ description: 'A disabled station’s readings are refused' }),
    gateway_id: z.string().nullable(),
    first_seen: z.string().nullable().meta({ description: 'Null until the station reports' }),
    last_seen: z.string().nullable().meta({ description: 'Null until the station reports' }),
    latest: readingRow.nullable(),
  });

  const stationsPage = z.object({
    stations: z.array(stationSummary),
    next_cursor: readingsPage.shape.next_cursor,
  });

  return {
    readingRow,
    readingsPage,
    aggregateResult,
    bucket,
    timeseriesResult,
    stationSummary,
    stationsPage,
  };
}

export const {
  readingRow,
  readingsPage,
  aggregateResult,
  bucket,
  timeseriesResult,
  stationSummary,
  stationsPage,
} = apiSchemasFor();

/** An ingest credential as the registry lists it: its visible prefix and times, never its hash. */
export const registryCredential = z.object({
  prefix: z.string().meta({ description: 'The token’s first characters, which name it' }),
  kind: z.enum(['station', 'gateway']),
  created_at: z.string(),
  last_used_at: z.string().nullable().meta({ description: 'Null until the token is used' }),
  revoked_at: z.string().nullable().meta({ description: 'Null while the token is valid' }),
});

/** A registered station with its credentials (SPEC §12). */
export const registryStation = stationSummary.omit({ latest: true }).extend({
  expected_interval_s: z.number().nullable(),
  registered_at: z.string(),
  credentials: z.array(registryCredential),
});

export const registryGateway = z.object({
  gateway_id: z.string(),
  name: z.string().nullable(),
  auto_register: z
    .boolean()
    .meta({ description: 'An unknown station it sends is registered under it' }),
  created_at: z.string(),
  credentials: z.array(registryCredential),
});

/** Every registered station and every gateway, each with its ingest credentials. */
export const stationRegistry = z.object({
  stations: z.array(registryStation),
  gateways: z.array(registryGateway),
});

/** One field of a raw upload: as the firmware sent it, and what it became. */
export const uploadField = z.object({
  field: z.string().meta({ description: 'The key as the firmware sent it' }),
  sent: z.string().meta({ description: 'The value as sent' }),
  stored: z
    .object({
      measurement: z.enum(MEASUREMENT_NAMES),
      value: z.union([z.number(), z.boolean()]).nullable().meta({
        description: 'The stored value: a number, or true/false for a flag (battery_low)',
      }),
      unit: z.string(),
    })
    .nullable()
    .meta({ description: 'The measurement it was stored as, in SI units; null when not stored' }),
  note: z
    .string()
    .nullable()
    .meta({ description: 'Why it was not stored, or how it was converted' }),
});

/** A station's newest raw upload (SPEC §13), the view station owners otherwise get with netcat. */
export const lastUploadResult = z.object({
  station_id: z.string(),
  upload: z
    .object({
      protocol: z.string().meta({ description: 'wunderground, ecowitt or ambient' }),
      timestamp: z.string().meta({ description: 'The reading’s time' }),
      received_at: z.string(),
      fields: z.array(uploadField).meta({
        description:
          'Every field sent (secrets removed): stored ones in catalogue order, then the rest by name',
      }),
      qc: readingRow.shape.qc,
    })
    .nullable()
    .meta({ description: 'Null when the station never uploaded over a station protocol' }),
});

/** A local date, `YYYY-MM-DD`, that exists. */
export const localDate = (description: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
    .refine((value) => {
      const ms = Date.parse(`${value}T00:00:00Z`);
      return (
        Number.isFinite(ms) &&
        new Date(ms).toISOString().startsWith(value) &&
        ms >= MIN_READING_MS &&
        ms <= MAX_QUERY_MS
      );
    }, 'must be a real date between 1900 and 2100')
    .meta({ description });

/** One station-local day or month of figures (SPEC §14). */
export const periodSummary = z.object({
  period: z.string().meta({ description: 'The local day (YYYY-MM-DD) or month (YYYY-MM)' }),
  start: z.string().meta({ description: 'Start of the period, ISO 8601 UTC' }),
  end: z.string().meta({ description: 'End of the period (exclusive), ISO 8601 UTC' }),
  readings: z.number(),
  temperature: z.object({
    min: z.number().nullable(),
    min_at: z.string().nullable(),
    max: z.number().nullable(),
    max_at: z.string().nullable(),
    mean: z.number().nullable(),
  }),
  rain_total: z.number().nullable().meta({ description: 'Precipitation in mm; null without any' }),
  gust: z.object({
    max: z.number().nullable(),
    at: z.string().nullable(),
    direction: z.number().nullable().meta({ description: 'Wind direction of the gust’s reading' }),
  }),
  completeness: z
    .number()
    .nullable()
    .meta({ description: 'Readings ÷ expected at the station’s interval (so far, for today)' }),
  flagged: z.number().meta({
    description: 'Temperature, precipitation and gust values left out as doubtful (QC flags)',
  }),
});

export const summariesResult = z.object({
  station_id: z.string(),
  timezone: z.string().meta({ description: 'The station’s IANA time zone the periods are in' }),
  period: z.enum(['day', 'month']),
  from: z.string(),
  to: z.string(),
  summaries: z.array(periodSummary),
});

/** The QC flags of a station's readings over a range (SPEC §14). */
export const qcFlagsResult = z.object({
  station_id: z.string(),
  start: z.string(),
  end: z.string(),
  total: z
    .number()
    .meta({ description: 'Flagged readings in the range (all of them, not only those listed)' }),
  flags: z.array(
    z.object({
      timestamp: z.string(),
      measurement: z.string().meta({
        description: 'The measurement flagged, or `timestamp` for the reading’s time (`clock`)',
      }),
      codes: z.array(z.enum(QC_CODES)).meta({
        description:
          'The doubts: range (dropped, value null), spike, persistence, clock (under `timestamp`)',
      }),
      value: z.union([z.number(), z.boolean()]).nullable().meta({
        description: 'The stored value; null when dropped as out of range, and for `timestamp`',
      }),
    }),
  ),
});

/** A station's health (SPEC §17): its state and what it was decided from. */
export const stationHealth = z.object({
  station_id: z.string(),
  name: z.string().nullable(),
  tags: z.array(z.string()),
  timezone: z.string(),
  state: z.enum(HEALTH_STATES).meta({
    description:
      '`never_seen`; `online`; `late`: silent for more than 1.5 × the expected interval and at least 30 s; `offline`: more than 3 × and at least 5 minutes',
  }),
  last_seen: z.string().nullable().meta({ description: 'When a reading last arrived' }),
  last_reading_at: z.string().nullable().meta({ description: 'Timestamp of the newest reading' }),
  expected_interval_s: z
    .number()
    .meta({ description: 'Seconds between readings the state is judged by' }),
  interval_source: z.enum(['registered', 'learned', 'assumed']).meta({
    description:
      '`registered` with the station; `learned`: the median spacing of its newest readings; `assumed`: 60 s until it can be learned',
  }),
  silent_s: z.number().nullable().meta({ description: 'Seconds since `last_seen`' }),
  clock_skew_s: z.number().nullable().meta({
    description:
      'Median of received − observed time over its readings received in the last hour, in s: positive when its clock is slow (or it uploads late), negative when fast',
  }),
  battery_low: z
    .boolean()
    .nullable()
    .meta({ description: 'Its newest battery state; null when it reports none' }),
  readings_today: z.number().meta({ description: 'Readings stored for its local day so far' }),
  completeness_today: z.number().nullable().meta({
    description: 'Share (0–1) of the readings expected so far today that are stored',
  }),
});

/** Every station's health and how many are in each state. */
export const fleetHealth = z.object({
  at: z.string(),
  counts: z.object(
    Object.fromEntries(HEALTH_STATES.map((s) => [s, z.number()])) as Record<
      (typeof HEALTH_STATES)[number],
      z.ZodNumber
    >,
  ),
  stations: z.array(stationHealth),
});

/** One station's health with completeness per local day and its gaps. */
export const stationHealthDetail = stationHealth.extend({
  late_after_s: z.number(),
  offline_after_s: z.number(),
  gap_threshold_s: z.number().meta({ description: 'A silence longer than this is a gap' }),
  days: z.array(
    z.object({
      day: z.string().meta({ description: 'Station-local date, YYYY-MM-DD' }),
      readings: z.number(),
      expected: z.number().meta({ description: 'Readings expected that day (so far, for today)' }),
      completeness: z.number().meta({ description: 'readings / expected, at most 1' }),
    }),
  ),
  gaps: z.array(
    z.object({
      start: z.string().meta({ description: 'The last reading before the silence' }),
      end: z
        .string()
        .nullable()
        .meta({ description: 'The first reading after it; null while it lasts' }),
      seconds: z.number(),
    }),
  ),
});
