import cors from '@fastify/cors';
import { type ApiContext, handleRest, openApiDocument, type QueryCache } from '@weather/api';
import type { AccessResolver } from '@weather/auth';
import type { Logger } from '@weather/core/logger';
import type { Database } from '@weather/db';
import { createServer, type OpenApiDocument, type ReadinessCheck } from '@weather/server';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface AppDeps {
  logger: Logger;
  db: Database;
  cache: QueryCache;
  checks?: ReadinessCheck[];
  /** Each request's access (SPEC §15): PUBLIC_READ, sessions, API keys. */
  access: AccessResolver;
  /** Origins whose browser scripts may read (CORS_ORIGINS); none by default. */
  corsOrigins?: string[];
  publicRead?: boolean;
}

export const serviceInfo = {
  name: 'query',
  title: 'Weather query service',
  description:
    "The seed's query API: readings, aggregates and time series of your stations, and the station list. The same operations as the web app's /api/... routes and its typed tRPC API.",
  version: '0.1.0',
};

/**
 * The API's REST operations beside the service's own (health, readiness, metrics), in one
 * document. Server URL `/`: the operations are at the root of wherever the document was read.
 */
function withQueryApi(own: OpenApiDocument, publicRead: boolean): OpenApiDocument {
  const api = openApiDocument('/', { publicRead }) as OpenApiDocument;
  // This server refuses a malformed query string on every route (400 malformed_url), so an
  // operation without parameters can answer 400 here too.
  for (const item of Object.values(api.paths ?? {}) as Record<string, Operation>[]) {
    for (const operation of Object.values(item)) {
      operation.responses[400] ??= { $ref: '#/components/responses/BadRequest' };
    }
  }
  const components = (own.components ?? {}) as Record<string, Record<string, unknown>>;
  const theirs = (api.components ?? {}) as Record<string, Record<string, unknown>>;
  return {
    ...own,
    servers: [{ url: '/' }],
    tags: [...((api.tags as unknown[]) ?? []), ...((own.tags as unknown[]) ?? [])],
    paths: { ...api.paths, ...own.paths },
    components: {
      ...components,
      schemas: { ...components.schemas, ...theirs.schemas },
      responses: { ...components.responses, ...theirs.responses },
      securitySchemes: { ...components.securitySchemes, ...theirs.securitySchemes },
    },
  };
}

type Operation = { responses: Record<string, unknown> };

/** The API's REST handler prefix: the same operations the web app serves under /api. */
const API_PREFIX = '/api';

/**
 * Builds the query service's HTTP app without side effects; `index.ts` connects and listens.
 * Every operation goes through `@weather/api`'s REST handler, the web app's: the same
 * procedures, validation, errors and cache (entries are shared with the web app).
 */
export async function createApp(deps: AppDeps) {
  const app = await createServer({
    info: serviceInfo,
    logger: deps.logger,
    checks: deps.checks ?? [],
    extendDocument: (own) => withQueryApi(own, deps.publicRead ?? true),
  });
  // Closed unless listed (then not even registered: OPTIONS answers as before); API keys,
  // never cookies, are for scripts of other origins. Not strict about preflights: a bare
  // OPTIONS gets 204, never the plugin's plain-text 400.
  if (deps.corsOrigins && deps.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: deps.corsOrigins,
      methods: ['GET', 'HEAD', 'OPTIONS'],
      allowedHeaders: ['authorization', 'content-type'],
      maxAge: 600,
      strictPreflight: false,
    });
  }
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    // Answers load nothing and are never framed; the docs page (HTML) keeps its own policy.
    const html = String(reply.getHeader('content-type') ?? '').startsWith('text/html');
    if (!html && !reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    }
  });

  async function answer(request: FastifyRequest, reply: FastifyReply) {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) headers.set(name, value.join(', '));
    }
    const url = new URL(`${API_PREFIX}${request.url}`, `http://${request.host || 'localhost'}`);
    const access = deps.access(headers);
    const context = (resHeaders: ApiContext['resHeaders']): ApiContext => ({
      db: deps.db,
      cache: deps.cache,
      logger: deps.logger,
      resHeaders,
      access,
    });
    const response = await handleRest(
      new Request(url, { method: request.method, headers }),
      context,
      API_PREFIX,
      deps.cache,
      access,
      { gzip: true },
    );
    reply.code(response.status);
    for (const [name, value] of response.headers) reply.header(name, value);
    return reply.send(Buffer.from(await response.arrayBuffer()));
  }

  const hidden = { schema: { hide: true } };
  app.get('/stations', hidden, answer);
  app.get('/stations/:station_id/health', hidden, answer);
  app.get('/fleet/health', hidden, answer);
  app.get('/weather/*', hidden, answer);
  return app;
}
