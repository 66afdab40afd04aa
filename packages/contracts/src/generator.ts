import { PROTOCOLS } from '@weather/core/reading';
import { localUrl } from '@weather/core/services';
import { TOKEN_PATTERN } from '@weather/core/tokens';
import { z } from 'zod';
import { MAX_BATCH_RECORDS } from './collector';

/** The collector's batch limit (SPEC §4), which a station's upload respects. */
export { MAX_BATCH_RECORDS };

/**
 * The station simulator's contract (SPEC §9): its options, its status, and a small HTTP client.
 * The generator service validates with these schemas and the tRPC API forwards with them, so the
 * dashboard, the API and the service agree on one definition.
 */

export const MAX_STATIONS = 10_000;
/** Forward clock skew stays this far inside the collector's 5-minute future limit. */
export const MAX_FORWARD_SKEW_SECONDS = 240;
export const MAX_BACKFILL_READINGS = 50_000_000;
/** How a simulated station uploads: our JSON API, or a firmware protocol (SPEC §13). */
export const UPLOAD_PROTOCOLS = ['json', ...PROTOCOLS] as const;
export type UploadProtocol = (typeof UPLOAD_PROTOCOLS)[number];

const between = (min: number, max: number) => `must be between ${min} and ${max}`;
const int = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, between(min, max))
    .max(max, between(min, max));
const num = (min: number, max: number) =>
  z.number({ error: 'must be a number' }).min(min, between(min, max)).max(max, between(min, max));
const percent = (what: string, fallback = 0, max = 100) =>
  num(0, max)
    .default(fallback)
    .meta({ description: `${what}, percent (0–${max}; default ${fallback})` });

const httpUrl = z
  .string()
  .refine(
    (value) => {
      try {
        return ['http:', 'https:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: 'must be an http(s) URL' },
  )
  .meta({
    description:
      `The collector's base URL, e.g. ${localUrl('collector')} (a trailing /weather-data or ` +
      "/weather-data/batch is accepted); default: the generator's COLLECTOR_URL. Must be one of " +
      "the generator's GENERATOR_ALLOWED_TARGETS (default: only COLLECTOR_URL), else 400",
  });

const ingestToken = z
  .string({ error: 'must be a string' })
  // The message never repeats the value: it is a secret.
  .regex(TOKEN_PATTERN, 'must be an ingest token: wxs_ or wxg_ followed by 32 base64url characters')
  .meta({
    description:
      "Ingest token sent to the collector (Authorization: Bearer) instead of the generator's " +
      'GENERATOR_INGEST_TOKEN, for this run only. Never echoed: /status shows only `token_source`',
  });

/** Where a run's ingest token came from; the token itself is never part of an answer. */
const tokenSource = z
  .enum(['option', 'env', 'none'])
  .optional()
  .meta({
    description:
      'Where the ingest token sent to the collector came from: the `token` option, ' +
      'GENERATOR_INGEST_TOKEN, or none (a collector with INGEST_AUTH=off). The token is never shown',
  });

const seed = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, between(0, 2 ** 31 - 1))
  .max(2 ** 31 - 1, between(0, 2 ** 31 - 1))
  .default(1)
  .meta({
    description:
      'Seed of the simulation: the same seed gives the same stations and the same weather for the same timestamps (default 1)',
  });

const startShape = {
  stations: int(1, MAX_STATIONS)
    .default(10)
    .meta({
      description: `Number of simulated stations, SIM-001 … (1–${MAX_STATIONS}; default 10)`,
    }),
  interval: num(0.05, 3600)
    .default(1)
    .meta({ description: "Seconds between one station's readings (0.05–3600; default 1)" }),
  use_batch: z.boolean({ error: 'must be true or false' }).default(true).meta({
    description:
      'true: a station uploads through POST /weather-data/batch once it holds batch_size readings; false: each reading through POST /weather-data (default true)',
  }),
  batch_size: int(1, MAX_BATCH_RECORDS)
    .default(5)
    .meta({
      description: `Readings a station collects before it uploads (1–${MAX_BATCH_RECORDS}; default 5)`,
    }),
  collector_url: httpUrl.optional(),
  duplicate_percent: percent(
    'Share of the records sent that re-send an earlier reading (in the same batch or a later one)',
    20,
    90,
  ),
  out_of_order_percent: percent(
    'Uploads delivered out of order: a batch shuffled, or a single reading held back until after the next',
  ),
  late_upload_percent: percent(
    'Chance per reading that a station goes offline, buffers offline_readings readings, then uploads them late',
  ),
  offline_readings: int(1, 100_000)
    .default(12)
    .meta({ description: 'Readings a station buffers while offline (default 12)' }),
  clock_skew_percent: percent('Readings whose timestamp is shifted by a wrong station clock'),
  clock_skew_seconds: num(0.001, 86_400)
    .default(120)
    .meta({
      description: `Largest clock error, seconds (default 120); forward shifts are capped at ${MAX_FORWARD_SKEW_SECONDS} s so they stay valid`,
    }),
  invalid_percent: percent(
    'Readings replaced by an invalid one (out-of-range value, bad or future timestamp, no measurements, bad station id) that the collector rejects',
  ),
  burst_percent: percent(
    'Chance per reading that a station also sends burst_size extra readings at once',
  ),
  burst_size: int(1, 999).default(20).meta({
    description: 'Extra readings in a burst, spaced between two regular readings (default 20)',
  }),
  protocols: z
    .array(z.enum(UPLOAD_PROTOCOLS, { error: `must be one of ${UPLOAD_PROTOCOLS.join(', ')}` }))
    .min(1, 'must name at least one protocol')
    .max(UPLOAD_PROTOCOLS.length)
    .default(['json'])
    .meta({
      description:
        'How stations upload, given out in turn (SIM-001 the first, SIM-002 the second, …): json (the JSON API), or the firmware protocols wunderground, ecowitt, ambient — one reading per request in US units with a daily rain counter that resets at midnight UTC (default ["json"])',
    }),
  firmware_quirks_percent: percent(
    'Firmware uploads sent the sloppy ways real firmware sends them (unpadded or spaced dateutc, key case, a repeated key, unknown keys, Ambient path glue, trailing slashes), all of which must store the same values',
  ),
  buffer_size: int(1, 1_000_000).default(1000).meta({
    description:
      'Readings a station holds while it cannot upload; beyond this the oldest are dropped (default 1000)',
  }),
  seed,
};

/** Options of `POST /start`; every field has a default. */
export const startOptionsSchema = z
  .strictObject({ ...startShape, token: ingestToken.optional() })
  .superRefine((options, ctx) => {
    // Firmware sends whole seconds and stores a bad field as missing: sub-second bursts would
    // collide and invalid readings would be stored, so those faults are JSON-only.
    if (options.protocols.some((protocol) => protocol !== 'json')) {
      for (const name of ['invalid_percent', 'burst_percent'] as const) {
        if (options[name] > 0) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: 'must be 0 when a station uploads with a firmware protocol (JSON API only)',
          });
        }
      }
      if (options.interval < 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['interval'],
          message:
            'must be at least 1 s with a firmware protocol (firmware times are whole seconds)',
        });
      }
    }
    if (options.burst_percent > 0 && options.burst_size >= options.interval * 1000) {
      ctx.addIssue({
        code: 'custom',
        path: ['burst_size'],
        message:
          'must be smaller than interval in milliseconds (burst readings are at least 1 ms apart)',
      });
    }
  });
export type StartOptionsInput = z.input<typeof startOptionsSchema>;
/**
 * Start options as a run reports them: defaults applied, the collector URL resolved, the token
 * replaced by where it came from. `token_source` is optional so that a status without it still
 * validates.
 */
export const runOptionsSchema = z.object({
  ...startShape,
  collector_url: z.string(),
  token_source: tokenSource,
});
export type RunOptions = z.output<typeof runOptionsSchema>;

const backfillShape = {
  stations: int(1, MAX_STATIONS)
    .default(10)
    .meta({ description: `Number of stations, SIM-001 … (1–${MAX_STATIONS}; default 10)` }),
  days: num(0.0001, 366)
    .default(7)
    .meta({ description: 'Days of history ending now; fractions allowed, 0.25 = 6 h (default 7)' }),
  interval: num(1, 86_400)
    .default(60)
    .meta({ description: "Seconds between one station's readings (1–86400; default 60)" }),
  batch_size: int(1, MAX_BATCH_RECORDS)
    .default(MAX_BATCH_RECORDS)
    .meta({
      description: `Readings per request (1–${MAX_BATCH_RECORDS}; default ${MAX_BATCH_RECORDS})`,
    }),
  concurrency: int(1, 32)
    .default(4)
    .meta({ description: 'Requests in flight at once (1–32; default 4)' }),
  collector_url: httpUrl.optional(),
  duplicate_percent: percent('Share of the records sent that re-send an earlier reading', 0, 90),
  invalid_percent: percent('Readings replaced by an invalid one that the collector rejects'),
  seed,
};

/** Readings per station of a backfill: whole steps that fit into `days`, ending now. */
export const backfillReadingsPerStation = (options: { days: number; interval: number }) =>
  Math.floor(Math.round(options.days * 86_400_000) / Math.round(options.interval * 1000));

/** Options of `POST /backfill`; every field has a default. */
export const backfillOptionsSchema = z
  .strictObject({ ...backfillShape, token: ingestToken.optional() })
  .superRefine((options, ctx) => {
    const perStation = backfillReadingsPerStation(options);
    if (perStation < 1) {
      ctx.addIssue({ code: 'custom', path: ['days'], message: 'must span at least one interval' });
    } else if (perStation * options.stations > MAX_BACKFILL_READINGS) {
      ctx.addIssue({
        code: 'custom',
        path: ['days'],
        message: `stations × days / interval must be at most ${MAX_BACKFILL_READINGS.toLocaleString('en')} readings (asked for ${(perStation * options.stations).toLocaleString('en')})`,
      });
    }
  });
export type BackfillOptionsInput = z.input<typeof backfillOptionsSchema>;
/** Backfill options as the backfill reports them (see `runOptionsSchema`). */
export const resolvedBackfillOptionsSchema = z.object({
  ...backfillShape,
  collector_url: z.string(),
  token_source: tokenSource,
});
export type ResolvedBackfillOptions = z.output<typeof resolvedBackfillOptionsSchema>;

const count = z.number().int().nonnegative();
const described = (description: string) => count.meta({ description });

const faultsSchema = z.object({
  duplicates: described('Duplicate copies put into station buffers'),
  out_of_order: described('Uploads delivered out of order'),
  late_uploads: described('Times a station went offline and later uploaded its backlog'),
  late_readings: described('Readings buffered while offline'),
  clock_skewed: described('Readings with a shifted timestamp (still valid)'),
  invalid: described('Readings replaced by an invalid one'),
  invalid_by_kind: z.record(z.string(), count),
  bursts: described('Bursts'),
  burst_readings: described('Extra readings sent in bursts'),
});

const countersShape = {
  generated: described(
    'Readings the stations produced (invalid replacements included, duplicate copies not)',
  ),
  sent: described('Records posted to the collector, every attempt counted'),
  accepted: described('Records the collector acknowledged (2xx), duplicates included'),
  rejected: described(
    'Records the collector refused (per-record 422 or 403, or a 4xx for the request, such as 401 for the ingest token)',
  ),
  retried: described(
    'Records posted again after a 503/429, a network error, or a 401/403 within its short grace period',
  ),
  unique_accepted: described(
    'Distinct (station_id, timestamp) keys acknowledged: the rows the database should hold',
  ),
  duplicates_sent: described('Deliberate duplicate copies posted (first attempt)'),
  duplicates_accepted: described(
    'Acknowledged records whose key had been acknowledged before: what the consumer drops as duplicates',
  ),
  dropped: described('Readings dropped because a station buffer was full'),
  discarded: described('Readings still buffered when the run stopped, never sent'),
  unknown_outcome: described(
    'Records whose request was cut off at stop: the collector may or may not have them',
  ),
  in_flight: described('Records in requests awaiting an answer'),
  requests: z.object({
    total: count,
    accepted: described('Answered 2xx'),
    rejected: described(
      'Answered 4xx (nothing of the request accepted, or per-record rejects only)',
    ),
    unavailable: described('Answered 503: retried after Retry-After'),
    failed: described('Network errors, timeouts and other 5xx: retried with backoff'),
  }),
  rejections: z
    .record(z.string(), count)
    .meta({ description: 'Rejected records by the collector\'s message, "field: reason"' }),
  faults: faultsSchema,
  readings_per_second: z.number().meta({
    description:
      'Accepted records per second: a live run over the last 10 s, a backfill over its whole time',
  }),
  last_error: z.string().nullable().meta({
    description:
      'The latest failure: a network error or 5xx, or why the collector refused the ingest token or a station',
  }),
};

export const runStatusSchema = z.object({
  state: z.enum(['running', 'stopping', 'stopped', 'failed']).meta({
    description:
      'failed: the run stopped itself because the collector refused its ingest token (401), or every station (403); `last_error` says why',
  }),
  started_at: z.string(),
  stopped_at: z.string().nullable(),
  options: runOptionsSchema,
  buffered: described('Readings waiting in station buffers'),
  ...countersShape,
});
export type RunStatus = z.output<typeof runStatusSchema>;

export const backfillStatusSchema = z.object({
  state: z.enum(['running', 'completed', 'cancelled', 'failed']),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  options: resolvedBackfillOptionsSchema,
  from: z.string().meta({ description: 'First timestamp of each station' }),
  to: z.string().meta({ description: 'Last timestamp of each station (at or before the start)' }),
  planned: described('Readings the backfill generates (stations × readings per station)'),
  progress: z.number().meta({ description: 'Share of planned readings answered, 0–1' }),
  elapsed_seconds: z.number(),
  error: z.string().nullable(),
  ...countersShape,
});
export type BackfillStatus = z.output<typeof backfillStatusSchema>;

export const generatorStatusSchema = z.object({
  running: z.boolean().meta({ description: 'A live run is generating' }),
  run: runStatusSchema.nullable().meta({ description: 'The current or last live run' }),
  backfill: backfillStatusSchema.nullable().meta({ description: 'The current or last backfill' }),
});
export type GeneratorStatus = z.output<typeof generatorStatusSchema>;

export const startResultSchema = z.object({
  status: z.enum(['started', 'restarted']),
  run: runStatusSchema,
});
export const stopResultSchema = z.object({
  status: z.enum(['stopped', 'not_running']),
  run: runStatusSchema.nullable(),
  backfill: backfillStatusSchema.nullable(),
});
export const backfillResultSchema = z.object({
  status: z.literal('started'),
  backfill: backfillStatusSchema,
});

/** A simulated station (GET /stations): identity, place and the climate its weather varies around. */
export const simulatedStationSchema = z.object({
  id: z.string(),
  name: z.string(),
  latitude: z.number(),
  longitude: z.number(),
  elevation: z.number().meta({ description: 'Metres above sea level' }),
  timezone: z.string().meta({ description: 'IANA time zone of the place, e.g. Europe/London' }),
  climate: z.object({
    kind: z.string().meta({ description: 'maritime, continental, desert, alpine, …' }),
    mean_temperature: z.number().meta({ description: 'Annual mean at sea level, °C' }),
    seasonal_amplitude: z.number().meta({ description: '°C' }),
    diurnal_range: z.number().meta({ description: 'Day–night range on a clear day, °C' }),
    dew_point_depression: z.number().meta({ description: '°C' }),
    mean_wind_speed: z.number().meta({ description: 'm/s' }),
    prevailing_wind: z.number().meta({ description: 'Degrees, direction the wind comes from' }),
    showers_per_day: z.number(),
    fronts_per_week: z.number(),
    mean_pressure: z.number().meta({ description: 'hPa, sea level' }),
  }),
});
export type SimulatedStation = z.output<typeof simulatedStationSchema>;
export const stationsQuerySchema = z.object({
  count: z.coerce.number().int().min(1).max(MAX_STATIONS).optional(),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
});

/** A non-2xx answer of the generator, with its status and message. */
export class GeneratorHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GeneratorHttpError';
  }
}

/** The generator did not answer (not running, wrong URL, timeout). */
export class GeneratorUnreachableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GeneratorUnreachableError';
  }
}

/**
 * Calls the generator over HTTP and validates its answers with the schemas above. `stop` can
 * take a while: it waits for requests in flight (up to about 10 s).
 */
export function generatorClient(
  baseUrl: string,
  {
    timeoutMs = 20_000,
    controlToken,
  }: {
    timeoutMs?: number /** CONTROL_TOKEN, when the generator has one. */;
    controlToken?: string;
  } = {},
) {
  const authorization: Record<string, string> = controlToken
    ? { authorization: `Bearer ${controlToken}` }
    : {};
  const base = baseUrl.replace(/\/+$/, '');
  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers:
          body === undefined
            ? authorization
            : { ...authorization, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason =
        error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error);
      throw new GeneratorUnreachableError(`generator not reachable at ${base}: ${reason}`, {
        cause: error,
      });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const message = (json as { message?: unknown } | undefined)?.message;
      throw new GeneratorHttpError(
        res.status,
        typeof message === 'string' ? message : `HTTP ${res.status} from the generator`,
      );
    }
    return schema.parse(json);
  }
  return {
    status: () => call('GET', '/status', generatorStatusSchema),
    start: (options: StartOptionsInput = {}) => call('POST', '/start', startResultSchema, options),
    stop: () => call('POST', '/stop', stopResultSchema),
    stations: (query: z.input<typeof stationsQuerySchema> = {}) => {
      const params = new URLSearchParams();
      if (query.count !== undefined) params.set('count', String(query.count));
      if (query.seed !== undefined) params.set('seed', String(query.seed));
      const search = params.size > 0 ? `?${params}` : '';
      return call('GET', `/stations${search}`, z.array(simulatedStationSchema));
    },
    backfill: (options: BackfillOptionsInput = {}) =>
      call('POST', '/backfill', backfillResultSchema, options),
  };
}
export type GeneratorClient = ReturnType<typeof generatorClient>;
