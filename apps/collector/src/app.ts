import { acceptedBody, batchBody, batchResult } from '@weather/contracts/collector';
import type { Logger } from '@weather/core/logger';
import { readingSchema } from '@weather/core/reading';
import type { Principal } from '@weather/registry';
import {
  bearerToken,
  createServer,
  errorBody,
  nextTurn,
  type ReadinessCheck,
} from '@weather/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import { type ReadingSink, toRecords } from './ingest';
import {
  createIngestAuth,
  FORBIDDEN_MESSAGES,
  type IngestAuthDeps,
  type Refused,
} from './ingest-auth';
import { registerProtocols } from './protocols';
import { readingValidation, VALIDATION_SLICE } from './validate';

export interface AppDeps {
  logger: Logger;
  sink: ReadingSink;
  checks?: ReadinessCheck[];
  /** Seconds a client is told to wait when the broker is unreachable. */
  retryAfterSeconds?: number;
  /** Large batches handled at once; more wait (default `MAX_BATCHES_IN_FLIGHT`). */
  maxBatchesInFlight?: number;
  /**
   * Who may ingest: the registry's view, rate limits, usage. `index.ts` passes what
   * `INGEST_AUTH` configures; without it (tests of other concerns) every station id is accepted.
   */
  auth?: Omit<IngestAuthDeps, 'logger' | 'registry'>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent an ingest request; null when authentication is off. */
    principal?: Principal | null;
  }
}

export const serviceInfo = {
  name: 'collector',
  title: 'Weather collector',
  description:
    'Receives station readings over HTTP, validates them and writes them to Kafka. A 2xx means ' +
    'the broker has the reading: it will be stored exactly once.',
  version: '0.1.0',
};

export const BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * Large batches (64 KiB and more) between parsing and the answer at once. A burst of them waits
 * as raw text: parsed and validated all together and packed into one huge produce request, 200
 * of them stalled the event loop (and `/health`) for seconds.
 */
export const MAX_BATCHES_IN_FLIGHT = 8;

/** The body of POST /weather-data, for the OpenAPI document; `readingValidation` checks it. */
const reading = readingSchema();

/** Builds the collector's HTTP app without side effects; `index.ts` connects and listens. */
export async function createApp(deps: AppDeps) {
  const registry = new Registry();
  const counter = (name: string, help: string) =>
    new Counter({ name, help, registers: [registry] });
  const accepted = counter(
    'collector_readings_accepted_total',
    'Readings acknowledged by Kafka and answered with 2xx',
  );
  const validation = readingValidation(
    counter('collector_readings_rejected_total', 'Readings refused by validation'),
  );
  const unavailable = counter(
    'collector_readings_unavailable_total',
    'Readings refused with 503 because Kafka did not acknowledge them',
  );
  const publishSeconds = new Histogram({
    name: 'collector_publish_seconds',
    help: 'Time from validation to Kafka acknowledgement, per request',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  /** The answers of authentication and rate limits, for the OpenAPI document. */
  const refusals = {
    401: errorBody.meta({ description: 'No token, or a malformed, unknown or revoked one' }),
    429: errorBody.meta({ description: 'Over the token’s rate limit; retry after Retry-After' }),
  };

  const app = await createServer({
    info: serviceInfo,
    logger: deps.logger,
    checks: deps.checks,
    registry,
    bodyLimit: BODY_LIMIT_BYTES,
    maxLargeBodiesInFlight: deps.maxBatchesInFlight ?? MAX_BATCHES_IN_FLIGHT,
    validationStatus: 422,
  });
  const retryAfter = String(deps.retryAfterSeconds ?? 5);
  const auth = createIngestAuth({
    mode: 'off',
    watcher: null,
    limits: null,
    usage: null,
    db: null,
    ...deps.auth,
    logger: deps.logger,
    registry,
  });

  const answerRefused = (reply: FastifyReply, { status, body, headers }: Refused) =>
    reply
      .code(status)
      .headers(headers ?? {})
      .send(body);

  // Every ingest request is authenticated before its body is read (SPEC §12).
  const authenticated = {
    onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
      // Another scheme, or a header that is not one token, is a malformed token, not a missing one.
      const { authorization } = request.headers;
      const result = await auth.authenticate(
        authorization === undefined ? undefined : (bearerToken(authorization) ?? authorization),
      );
      if ('refused' in result) return answerRefused(reply, result.refused);
      request.principal = result.principal;
    },
  };
  const registryUnavailable = {
    error: 'registry_unavailable',
    message: `New stations cannot be registered right now (the database is unreachable); none were accepted. Retry after ${retryAfter} s.`,
  };
  /** The refused stations of a request by index; null when registering new ones failed (503). */
  const refusedStations = async (request: FastifyRequest, stationIds: string[]) => {
    try {
      return await auth.refusedStations(request.principal ?? null, stationIds);
    } catch (err) {
      request.log.warn({ err }, 'could not register new stations; answered 503');
      return null;
    }
  };

  /** True when the broker acknowledged; false means answer 503 (nothing was accepted). */
  const publish = async (
    records: Parameters<ReadingSink['publish']>[0],
    count: number,
    log: Logger,
  ) => {
    const stop = publishSeconds.startTimer();
    try {
      await deps.sink.publish(records);
      stop();
      accepted.inc(count);
      return true;
    } catch (err) {
      unavailable.inc(count);
      log.warn({ err, readings: count }, 'Kafka did not acknowledge; answered 503');
      return false;
    }
  };
  const unavailableBody = {
    error: 'kafka_unavailable',
    message: `The message broker did not acknowledge the readings; none were accepted. Retry after ${retryAfter} s.`,
  };

  app.post(
    '/weather-data',
    {
      schema: {
        summary: 'Submit one reading',
        description: 'Answers 202 once Kafka has acknowledged the reading.',
        tags: ['ingest'],
        body: reading,
        response: {
          202: acceptedBody.meta({ description: 'Kafka has the reading' }),
          ...refusals,
          403: errorBody.meta({
            description: 'The token may not write this station, or the station is disabled',
          }),
          503: errorBody.meta({
            description: 'Kafka did not acknowledge; retry after Retry-After',
          }),
        },
      },
      // The body is validated as each record of a batch is; failures answer 422 like a schema's.
      validatorCompiler: validation.bodyValidator,
      ...authenticated,
    },
    async (request, reply) => {
      const limited = await auth.spendReadings(request.principal ?? null, 1);
      if (limited) return answerRefused(reply, limited);
      const refused = await refusedStations(request, [request.body.station_id]);
      if (refused === null) {
        return reply.code(503).header('retry-after', retryAfter).send(registryUnavailable);
      }
      const refusal = refused.get(0);
      if (refusal) {
        return reply.code(403).send({ error: refusal, message: FORBIDDEN_MESSAGES[refusal] });
      }
      const records = toRecords([request.body], new Date(), request.trace, deps.sink.partitions);
      if (!(await publish(records, 1, request.log))) {
        return reply.code(503).header('retry-after', retryAfter).send(unavailableBody);
      }
      return reply.code(202).send({
        status: 'accepted' as const,
        station_id: request.body.station_id,
        timestamp: request.body.timestamp,
      });
    },
  );

  app.post(
    '/weather-data/batch',
    {
      schema: {
        summary: 'Submit up to 1,000 readings',
        description:
          'Each record is validated on its own; valid ones are published, invalid ones are ' +
          'listed in `failures` by index. 202 when any record was accepted, 422 when none was.',
        tags: ['ingest'],
        body: batchBody,
        // 422 is either the per-record report (no record valid) or a malformed envelope.
        response: {
          202: batchResult.meta({ description: 'At least one record is in Kafka' }),
          ...refusals,
          403: batchResult.meta({
            description:
              'No record accepted: every refused one was for a station the token may not write',
          }),
          422: z.union([batchResult, errorBody]).meta({
            description:
              'No record was valid (the per-record report), or the envelope is invalid (an error)',
          }),
          503: errorBody.meta({
            description: 'Kafka did not acknowledge; none accepted, retry after Retry-After',
          }),
        },
      },
      ...authenticated,
    },
    async (request, reply) => {
      const { records, batch_id } = request.body;
      const limited = await auth.spendReadings(request.principal ?? null, records.length);
      if (limited) return answerRefused(reply, limited);
      const checked = await validation.batch(records);
      const refused = await refusedStations(
        request,
        checked.valid.map((r) => r.station_id),
      );
      if (refused === null) {
        return reply.code(503).header('retry-after', retryAfter).send(registryUnavailable);
      }
      const valid =
        refused.size === 0 ? checked.valid : checked.valid.filter((_, i) => !refused.has(i));
      const forbidden = [...refused].map(([i, reason]) => ({
        index: checked.validIndexes[i] as number,
        station_id: checked.valid[i]?.station_id as string,
        reason,
        errors: [{ path: 'station_id', message: FORBIDDEN_MESSAGES[reason] }],
      }));
      const failures =
        forbidden.length === 0
          ? checked.failures
          : [...checked.failures, ...forbidden].sort((a, b) => a.index - b.index);
      if (valid.length > 0) {
        if (records.length > VALIDATION_SLICE) await nextTurn();
        const kafkaRecords = toRecords(valid, new Date(), request.trace, deps.sink.partitions);
        if (!(await publish(kafkaRecords, valid.length, request.log))) {
          return reply.code(503).header('retry-after', retryAfter).send(unavailableBody);
        }
      }
      const status =
        failures.length === 0 ? 'completed' : valid.length === 0 ? 'failed' : 'partial';
      if (failures.length > 0) {
        request.log.info(
          { batch_id, accepted: valid.length, rejected: failures.length },
          'batch had invalid records',
        );
      }
      const onlyForbidden = forbidden.length > 0 && checked.failures.length === 0;
      return reply.code(valid.length > 0 ? 202 : onlyForbidden ? 403 : 422).send({
        status,
        batch_id: batch_id ?? null,
        total: records.length,
        successful: valid.length,
        failed: failures.length,
        failures,
      });
    },
  );

  registerProtocols(app, {
    auth,
    registry,
    retryAfter,
    refusedStations,
    publish: (reading, request) =>
      publish(
        toRecords([reading], new Date(), request.trace, deps.sink.partitions),
        1,
        request.log as Logger,
      ),
  });

  return app;
}
