import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from '@weather/core/logger';
import { childTrace, parseTraceparent, type TraceContext, withTrace } from '@weather/core/trace';
import Fastify, {
  type FastifyError,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { z } from 'zod';

export interface ServiceInfo {
  /** Service name, as in log lines' `service` field. */
  name: string;
  title: string;
  description: string;
  version: string;
}

/** A dependency `/ready` checks; `check` rejects when the dependency is unusable. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export interface ServerOptions {
  info: ServiceInfo;
  logger: Logger;
  checks?: ReadinessCheck[];
  /** Per-service metrics; default process metrics are added to it. */
  registry?: Registry;
  bodyLimit?: number;
  /** Status for a request that fails schema validation (SPEC: 422 for readings, 400 for options). */
  validationStatus?: 400 | 422;
  readyTimeoutMs?: number;
}

const errorBody = z.object({
  error: z.string(),
  message: z.string(),
  details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** Maps Fastify's own request errors to the status a client should see. */
const FRAMEWORK_ERRORS: Record<string, { status: number; error: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, error: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'bad_request' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: 'payload_too_large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: 'malformed_json' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: 'malformed_json' },
};

/**
 * Builds a Fastify instance with the routes and behaviour every service shares: zod-validated
 * routes, `/health` (no I/O), `/ready` (dependency checks with a timeout), `/metrics`
 * (Prometheus), `/openapi.json` and `/docs`, one log line per request, and JSON errors.
 * No side effects: nothing listens until the caller says so.
 */
export async function createServer(options: ServerOptions) {
  const { info, logger } = options;
  const registry = options.registry ?? new Registry();
  collectDefaultMetrics({ register: registry });
  const validationStatus = options.validationStatus ?? 400;

  const app = Fastify({
    loggerInstance: logger,
    logController: new SummaryLog(),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Every API here speaks JSON; a text/plain body is a wrong content type (415), not a string.
  app.removeContentTypeParser('text/plain');

  // Each request is a span: a child of the caller's `traceparent`, or the root of a new trace.
  // Everything the request logs, and whatever it hands on (Kafka headers), carries it.
  app.decorateRequest('trace', undefined as unknown as TraceContext);
  app.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers.traceparent;
    request.trace = childTrace(parseTraceparent(Array.isArray(header) ? header[0] : header));
    withTrace(request.trace, done);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: info.title, description: info.description, version: info.version },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.code(validationStatus).send({
        error: 'validation_failed',
        message: `Invalid ${error.validationContext ?? 'request'}: ${error.validation
          .map((v) => `${v.instancePath || '(root)'} ${v.message}`)
          .join('; ')}`,
        details: error.validation.map((v) => ({
          path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
          message: v.message ?? 'invalid',
        })),
      });
    }
    const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
    if (known) {
      return reply.code(known.status).send({ error: known.error, message: error.message });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: 'bad_request', message: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .code(500)
      .send({ error: 'internal_error', message: 'Internal error; see the service log.' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send({ error: 'not_found', message: `No route for ${request.method} ${request.url}` });
  });

  app.get(
    '/health',
    {
      config: { quietLog: true },
      schema: {
        summary: 'Liveness: the process is up (no dependency checks)',
        tags: ['operations'],
        response: {
          200: z.object({ status: z.literal('ok'), service: z.string(), uptime_s: z.number() }),
        },
      },
    },
    async () => ({ status: 'ok' as const, service: info.name, uptime_s: process.uptime() }),
  );

  const checks = options.checks ?? [];
  const readyTimeoutMs = options.readyTimeoutMs ?? 2000;
  app.get(
    '/ready',
    {
      config: { quietLog: true },
      schema: {
        summary: 'Readiness: every dependency answers',
        tags: ['operations'],
        response: {
          200: z.object({ status: z.literal('ready'), checks: z.record(z.string(), z.string()) }),
          503: z.object({
            status: z.literal('not_ready'),
            checks: z.record(z.string(), z.string()),
          }),
        },
      },
    },
    async (_request, reply) => {
      const results = await Promise.all(
        checks.map(async (c) => [c.name, await runCheck(c, readyTimeoutMs)] as const),
      );
      const ok = results.every(([, result]) => result === 'ok');
      const body = { checks: Object.fromEntries(results) };
      if (ok) return reply.code(200).send({ status: 'ready' as const, ...body });
      return reply.code(503).send({ status: 'not_ready' as const, ...body });
    },
  );

  app.get(
    '/metrics',
    {
      config: { quietLog: true },
      schema: { summary: 'Prometheus metrics', tags: ['operations'], hide: false },
    },
    async (_request, reply) => {
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  return app;
}

export type Server = Awaited<ReturnType<typeof createServer>>;

export { errorBody };

/** One summary line per request, at debug for routes marked `quietLog` (probes, scrapes). */
class SummaryLog extends LogController {
  override incomingRequest() {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    const quiet = request.routeOptions.config?.quietLog === true && !error;
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ...(error ? { err: error } : {}),
    };
    if (error) reply.log.error(line, 'request failed');
    else reply.log[quiet ? 'debug' : 'info'](line, 'request');
  }
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    trace: TraceContext;
  }
  interface FastifyContextConfig {
    /** Log this route's requests at debug instead of info (health checks, metrics scrapes). */
    quietLog?: boolean;
  }
}
