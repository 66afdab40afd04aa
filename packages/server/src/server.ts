import swagger, { type SwaggerTransformObject } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { healthBody, notReadyBody, readyBody } from '@weather/contracts/service';
import type { Logger } from '@weather/core/logger';
import { childTrace, parseTraceparent, type TraceContext, withTrace } from '@weather/core/trace';
import { isWellEncoded } from '@weather/core/url';
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
import { decodeContentEncoding, jsonBodyParser, LargeBodies } from './body';
import { controlTokenCheck, needsControlToken } from './control';
import {
  clientErrorHandler,
  type ErrorBody,
  errorBody,
  errorKind,
  HttpError,
  ValidationFailure,
  validationFailedBody,
} from './errors';
import { Semaphore } from './semaphore';

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
  /**
   * Requests with a body of 64 KiB or more that are parsed and handled at once (default 8); more
   * wait, unparsed, until one has been answered.
   */
  maxLargeBodiesInFlight?: number;
  /** Connection bounds of the HTTP server; each has a default. */
  limits?: Partial<HttpLimits>;
  /**
   * Adds to the OpenAPI document (`/openapi.json`, `/docs`) what the service serves besides its
   * Fastify schemas, e.g. the query API's operations.
   */
  extendDocument?: (document: OpenApiDocument) => OpenApiDocument;
  /**
   * CONTROL_TOKEN: when set, every route but `/health`, `/ready`, `/metrics` and the docs needs
   * `Authorization: Bearer <token>` (401 otherwise).
   */
  controlToken?: string;
}

/** An OpenAPI 3.1 document as @fastify/swagger builds it. */
export type OpenApiDocument = Record<string, unknown> & {
  paths?: Record<string, unknown>;
  components?: Record<string, unknown>;
};

export interface HttpLimits {
  /** The whole request, headers and body, must arrive within this (else 408). */
  requestTimeoutMs: number;
  /** The headers must arrive within this, from the connection or the previous response (408). */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this are refused at once. */
  maxConnections: number;
  /** Requests one keep-alive connection may carry before the server asks to reconnect; 0: no limit. */
  maxRequestsPerSocket: number;
}

export const DEFAULT_LIMITS: HttpLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1024,
  maxRequestsPerSocket: 0,
};

/** Maps Fastify's own request errors to the status a client should see. */
const FRAMEWORK_ERRORS: Record<string, { status: number; error: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, error: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'bad_request' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: 'payload_too_large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: 'malformed_json' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: 'malformed_json' },
  FST_ERR_BAD_URL: { status: 400, error: 'malformed_url' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, error: 'uri_too_long' },
};

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

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
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const checks = options.checks ?? [];
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;

  const app = Fastify({
    loggerInstance: logger,
    logController: new SummaryLog(),
    bodyLimit,
    // Answered below with the JSON error shape instead.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
    // Node checks the request and header timeouts on this interval (default 30 s).
    http: {
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      connectionsCheckingInterval: 1000,
    },
    clientErrorHandler: clientErrorHandler(limits, (err, status) =>
      logger.debug({ err, status }, 'refused a malformed request'),
    ),
    // Malformed percent-encoding in the path, an over-long path parameter.
    frameworkErrors: (error, _request, genericReply) => {
      const reply = genericReply as unknown as FastifyReply;
      const known = FRAMEWORK_ERRORS[error.code];
      const status = known?.status ?? error.statusCode ?? 500;
      if (status >= 500) logger.error({ err: error }, 'framework error');
      void reply.code(status).send({
        error: known?.error ?? errorKind(status),
        message:
          error.code === 'FST_ERR_BAD_URL'
            ? 'Malformed URL: the path is not valid percent-encoded UTF-8'
            : status >= 500
              ? 'Internal error; see the service log.'
              : error.message,
      });
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.server.maxConnections = limits.maxConnections;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Every API here speaks JSON; a text/plain body is a wrong content type (415), not a string.
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  const largeBodies = new LargeBodies(new Semaphore(options.maxLargeBodiesInFlight ?? 8));
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser(largeBodies));
  app.addHook('preParsing', (request, reply, payload, done) => {
    largeBodies.track(request, reply.raw);
    done(null, payload);
  });
  app.addHook('preParsing', decodeContentEncoding(bodyLimit));

  // Every documented operation lists the errors this kit answers for it, in the one shape.
  const methods = new Set<string>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) methods.add(method);
    if (route.schema && !route.schema.hide) {
      const guarded = options.controlToken && needsControlToken(route.url);
      route.schema.response = {
        ...sharedErrorResponses(route.method, route.schema, validationStatus),
        ...(guarded ? { 401: errorBody.meta({ description: 'No or a wrong CONTROL_TOKEN' }) } : {}),
        ...(route.schema.response as Record<string, unknown> | undefined),
      };
      if (guarded) route.schema.security = [{ controlToken: [] }];
    }
  });

  // Each request is a span: a child of the caller's `traceparent`, or the root of a new trace.
  // Everything the request logs, and whatever it hands on (Kafka headers), carries it.
  app.decorateRequest('trace', undefined as unknown as TraceContext);
  app.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers.traceparent;
    request.trace = childTrace(parseTraceparent(Array.isArray(header) ? header[0] : header));
    withTrace(request.trace, done);
  });

  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  // Serialized here, not by the route: its schema for the status may describe another body.
  const refuse = (reply: FastifyReply, status: number, body: ErrorBody) =>
    reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
  app.addHook('onRequest', async (request, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      return refuse(reply, 503, {
        error: 'service_unavailable',
        message: 'The service is shutting down; retry in a moment.',
      });
    }
    // Fastify leaves a malformed query string to each route; refuse it for all of them.
    const query = request.url.indexOf('?');
    if (query >= 0 && !isWellEncoded(request.url.slice(query + 1))) {
      return refuse(reply, 400, {
        error: 'malformed_url',
        message: 'Malformed URL: the query string is not valid percent-encoded UTF-8',
      });
    }
  });

  if (options.controlToken) {
    const check = controlTokenCheck(options.controlToken);
    app.addHook('onRequest', async (request, reply) => {
      if (!needsControlToken(request.routeOptions.url)) return;
      const refusal = check(request.headers.authorization);
      if (refusal)
        return refuse(reply.header('www-authenticate', 'Bearer realm="control"'), 401, refusal);
    });
  }

  const { extendDocument } = options;
  const transformObject: SwaggerTransformObject | undefined = extendDocument
    ? (document) =>
        extendDocument(
          ('openapiObject' in document ? document.openapiObject : {}) as OpenApiDocument,
        ) as ReturnType<SwaggerTransformObject>
    : undefined;
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: info.title, description: info.description, version: info.version },
      ...(options.controlToken
        ? {
            components: {
              securitySchemes: {
                controlToken: {
                  type: 'http',
                  scheme: 'bearer',
                  description: 'The CONTROL_TOKEN the service was started with',
                },
              },
            },
          }
        : {}),
    },
    transform: jsonSchemaTransform,
    ...(transformObject ? { transformObject } : {}),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const context = error.validationContext ?? 'request';
      return reply.code(validationStatus).send(validationFailedBody(context, error.validation));
    }
    if (error instanceof ValidationFailure) {
      const context = error.validationContext ?? 'request';
      return reply.code(validationStatus).send(validationFailedBody(context, error.issues));
    }
    if (error instanceof HttpError) return reply.code(error.statusCode).send(error.toJSON());
    const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
    if (known) {
      return reply.code(known.status).send({ error: known.error, message: error.message });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .send({ error: errorKind(error.statusCode), message: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .code(500)
      .send({ error: 'internal_error', message: 'Internal error; see the service log.' });
  });

  app.setNotFoundHandler((request, reply) => {
    const allowed = [...methods].filter(
      (method) => method !== request.method && app.findRoute({ method, url: request.url }),
    );
    if (allowed.length > 0) {
      const allow = allowed.sort().join(', ');
      return reply
        .code(405)
        .header('allow', allow)
        .send({
          error: 'method_not_allowed',
          message: `${request.method} is not allowed here; allowed: ${allow}`,
        });
    }
    return reply
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
          200: healthBody,
        },
      },
    },
    async () => ({ status: 'ok' as const, service: info.name, uptime_s: process.uptime() }),
  );

  const readyTimeoutMs = options.readyTimeoutMs ?? 2000;
  app.get(
    '/ready',
    {
      config: { quietLog: true },
      schema: {
        summary: 'Readiness: every dependency answers',
        tags: ['operations'],
        response: {
          200: readyBody,
          // Without dependencies the service is ready whenever it is up.
          ...(checks.length > 0 ? { 503: notReadyBody } : {}),
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
      schema: {
        summary: 'Prometheus metrics',
        tags: ['operations'],
        response: {
          200: {
            description: 'Prometheus text exposition format',
            content: { 'text/plain': { schema: z.string() } },
          },
        },
      },
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

/**
 * The errors `createServer` itself answers for a route: a malformed URL (400) anywhere; a
 * malformed, oversized or wrongly typed body where one is allowed; failed validation where the
 * route validates input.
 */
function sharedErrorResponses(
  method: string | string[],
  schema: { body?: unknown; querystring?: unknown; params?: unknown },
  validationStatus: number,
) {
  const withBody = [method].flat().some((m) => METHODS_WITH_BODY.has(m));
  const described = (description: string) => errorBody.meta({ description });
  const responses: Record<number, z.ZodType> = {
    400: described(
      withBody
        ? 'Malformed URL, malformed JSON, or a body that does not decode'
        : 'Malformed URL (invalid percent-encoding)',
    ),
  };
  if (withBody) {
    responses[413] = described('Body too large (after decoding a Content-Encoding)');
    responses[415] = described('Content type other than JSON, or an unsupported Content-Encoding');
  }
  if (schema.body || schema.querystring || schema.params) {
    const reason = '`details` names each field and the reason';
    responses[validationStatus] = described(
      validationStatus === 400
        ? `Malformed URL${withBody ? ' or body' : ''}, or invalid input: ${reason}`
        : `Invalid input: ${reason}`,
    );
  }
  return responses;
}

/** One summary line per request, at debug for routes marked `quietLog` (probes, scrapes). */
class SummaryLog extends LogController {
  override incomingRequest() {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    const quiet = request.routeOptions.config?.quietLog === true && !error;
    const logUrl = request.routeOptions.config?.logUrl;
    const line = {
      method: request.method,
      url: logUrl ? logUrl(request.url) : request.url,
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
    /**
     * The URL as this route's request line is logged, for routes whose URL carries a credential
     * (station firmware puts its token in the path or the query): never log it as sent.
     */
    logUrl?: (url: string) => string;
  }
}
