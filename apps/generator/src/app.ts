import {
  backfillOptionsSchema,
  backfillResultSchema,
  generatorStatusSchema,
  simulatedStationSchema,
  startOptionsSchema,
  startResultSchema,
  stationsQuerySchema,
  stopResultSchema,
} from '@weather/contracts/generator';
import type { Logger } from '@weather/core/logger';
import { createServer, errorBody } from '@weather/server';
import { z } from 'zod';
import { BackfillRunningError, Generator } from './generator';
import type { StationProfile } from './model/stations';
import { allowedTargets, TargetNotAllowedError } from './targets';

/** The model's profile in the API's casing (snake_case, as every JSON body here). */
const toSimulatedStation = ({ climate, ...identity }: StationProfile) => ({
  ...identity,
  climate: {
    kind: climate.kind,
    mean_temperature: climate.meanTemperature,
    seasonal_amplitude: climate.seasonalAmplitude,
    diurnal_range: climate.diurnalRange,
    dew_point_depression: climate.dewPointDepression,
    mean_wind_speed: climate.meanWindSpeed,
    prevailing_wind: climate.prevailingWind,
    showers_per_day: climate.showersPerDay,
    fronts_per_week: climate.frontsPerWeek,
    mean_pressure: climate.meanPressure,
  },
});

export interface AppDeps {
  logger: Logger;
  /** Default collector for runs and backfills that do not name one. */
  collectorUrl: string;
  /** Collectors `collector_url` may name (GENERATOR_ALLOWED_TARGETS); default `[collectorUrl]`. */
  allowedTargets?: string[];
  maxInFlight?: number;
  stopGraceMs?: number;
  /** GENERATOR_INGEST_TOKEN: the token runs send unless their options pass `token`. */
  ingestToken?: string;
  /** Waits before re-sending an upload the collector refused (401/403); tests shorten them. */
  refusalRetryDelaysMs?: readonly number[];
  /** Pass one to share it with the process (shutdown); otherwise the app makes its own. */
  generator?: Generator;
  /** CONTROL_TOKEN: every control and `/status` need it when set. */
  controlToken?: string;
}

export const serviceInfo = {
  name: 'generator',
  title: 'Weather station simulator',
  description:
    'Simulates weather stations that send plausible readings through the collector like any ' +
    'station would — with duplicates, late and out-of-order uploads, clock skew, invalid readings ' +
    'and bursts on demand — and backfills history. Every injected fault is counted in /status.',
  version: '0.1.0',
};

/** Builds the generator's HTTP app without side effects; nothing runs until POST /start. */
export async function createApp(deps: AppDeps) {
  const generator =
    deps.generator ??
    new Generator({
      logger: deps.logger,
      collectorUrl: deps.collectorUrl,
      allowedTargets: allowedTargets(deps.allowedTargets ?? [deps.collectorUrl]),
      maxInFlight: deps.maxInFlight,
      stopGraceMs: deps.stopGraceMs,
      ingestToken: deps.ingestToken,
      refusalRetryDelaysMs: deps.refusalRetryDelaysMs,
    });
  const app = await createServer({
    info: serviceInfo,
    logger: deps.logger,
    validationStatus: 400,
    controlToken: deps.controlToken,
  });
  const notAllowed = (error: TargetNotAllowedError) => ({
    error: 'target_not_allowed',
    message: error.message,
  });
  // Every option has a default, so a POST without a body means "all defaults".
  const emptyBodyIsDefaults = (request: { body: unknown }, _reply: unknown, done: () => void) => {
    request.body ??= {};
    done();
  };

  app.post(
    '/start',
    {
      schema: {
        summary: 'Start simulating stations',
        description:
          'Every station takes a reading each `interval` seconds and uploads it through the ' +
          'collector. All options are optional. **Starting while a run is going restarts it** with ' +
          'the new options: the running one is stopped first (requests in flight finish), its ' +
          'counters are replaced, and the answer says `restarted`. Invalid options, or a ' +
          '`collector_url` outside GENERATOR_ALLOWED_TARGETS: 400 with the reason, and nothing is sent. ' +
          'Every upload carries `Authorization: Bearer` with the `token` option, else ' +
          'GENERATOR_INGEST_TOKEN. When the collector refuses the token (401) past a grace of a few ' +
          'seconds, the run stops itself (state `failed`, the reason in `last_error`); a station it ' +
          'refuses (403) stops alone.',
        tags: ['generator'],
        body: startOptionsSchema,
        response: {
          202: startResultSchema.meta({ description: 'Started (or restarted) with these options' }),
          400: errorBody.meta({
            description: 'Malformed or invalid options, or a collector_url that is not allowed',
          }),
        },
      },
      preValidation: emptyBodyIsDefaults,
    },
    async (request, reply) => {
      try {
        return reply.code(202).send(await generator.start(request.body));
      } catch (error) {
        if (!(error instanceof TargetNotAllowedError)) throw error;
        return reply.code(400).send(notAllowed(error));
      }
    },
  );

  app.post(
    '/stop',
    {
      schema: {
        summary: 'Stop the live run and any backfill',
        description:
          'Stops taking readings, waits for requests in flight (up to 10 s, then cuts them off), ' +
          'and discards what stations still buffer. Answers with the final counts.',
        tags: ['generator'],
        response: { 200: stopResultSchema.meta({ description: 'Stopped; the final counts' }) },
      },
    },
    async () => generator.stop(),
  );

  app.get(
    '/status',
    {
      config: { quietLog: true },
      schema: {
        summary: 'What the generator sent and how the collector answered',
        description:
          'Counts of the live run and of the backfill: sent, accepted, rejected (grouped by the ' +
          "collector's message), retried, duplicates, unique readings accepted (the rows the " +
          'database should end up with), and every injected fault. Never shows a token: ' +
          '`options.token_source` says where the one sent came from.',
        tags: ['generator'],
        response: {
          200: generatorStatusSchema.meta({
            description: 'Counts of the live run and the backfill',
          }),
        },
      },
    },
    async () => generator.status(),
  );

  app.post(
    '/backfill',
    {
      schema: {
        summary: 'Send history for N stations over D days, ending now',
        description:
          'Runs in the background as fast as the collector accepts, in batches of up to 1,000; ' +
          'progress is in GET /status under `backfill`. 409 while another backfill runs. ' +
          'Independent of the live run. A `collector_url` outside GENERATOR_ALLOWED_TARGETS: 400, ' +
          'nothing is sent. Sends the `token` option, else GENERATOR_INGEST_TOKEN; a refused token ' +
          'or station (401/403) fails the backfill with the reason in `error`.',
        tags: ['generator'],
        body: backfillOptionsSchema,
        response: {
          202: backfillResultSchema.meta({ description: 'Backfill started in the background' }),
          400: errorBody.meta({
            description: 'Malformed or invalid options, or a collector_url that is not allowed',
          }),
          409: errorBody.meta({ description: 'A backfill is already running' }),
        },
      },
      preValidation: emptyBodyIsDefaults,
    },
    async (request, reply) => {
      try {
        const backfill = generator.startBackfill(request.body);
        return reply.code(202).send({ status: 'started' as const, backfill });
      } catch (error) {
        if (error instanceof TargetNotAllowedError) return reply.code(400).send(notAllowed(error));
        if (!(error instanceof BackfillRunningError)) throw error;
        return reply.code(409).send({ error: 'backfill_running', message: error.message });
      }
    },
  );

  app.get(
    '/stations',
    {
      schema: {
        summary: 'The simulated stations: identity, place and climate',
        description:
          'Without parameters, the stations of the current (or last) run; with `count` and `seed`, ' +
          'the stations such a run would simulate.',
        tags: ['generator'],
        querystring: stationsQuerySchema,
        response: {
          200: z.array(simulatedStationSchema).meta({ description: 'The simulated stations' }),
        },
      },
    },
    async (request) =>
      generator.stations(request.query.count, request.query.seed).map(toSimulatedStation),
  );

  return Object.assign(app, { generator });
}
