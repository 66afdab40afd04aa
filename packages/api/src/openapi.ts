import { generateOpenApiDocument } from 'trpc-to-openapi';
import { z } from 'zod';
import { errorBody, REASONS_BY_STATUS } from './errors';
import { MAX_URL_LENGTH } from './limits';
import { appRouter } from './root';

// A 500 is a bug, not an answer (no 5xx but 503 while a dependency is down), so it is not
// documented.
type ErrorStatus = Exclude<keyof typeof REASONS_BY_STATUS, 500>;

const ERROR_RESPONSES: Record<ErrorStatus, { name: string; description: string }> = {
  400: {
    name: 'BadRequest',
    description:
      'A parameter is invalid (`issues` lists each field), a combination is refused, or the URL is malformed',
  },
  401: {
    name: 'Unauthorized',
    description:
      'Presented credentials were refused (an unknown or revoked API key, an ingest token), or none were presented while PUBLIC_READ=false',
  },
  403: { name: 'Forbidden', description: 'The API key or user may not do this' },
  404: { name: 'NotFound', description: 'Unknown station' },
  414: { name: 'UriTooLong', description: `The URL is longer than ${MAX_URL_LENGTH} bytes` },
  503: {
    name: 'ServiceUnavailable',
    description: 'The database is unavailable or did not answer in time; retry later',
  },
};

/** Each error status's body: the API's error shape with the reasons that status can carry. */
function errorSchema(status: ErrorStatus) {
  const body = status === 400 ? errorBody : errorBody.omit({ issues: true });
  const error = z
    .enum(REASONS_BY_STATUS[status])
    .meta({ description: 'Machine-readable reason, snake_case' });
  const { $schema: _, ...schema } = z.toJSONSchema(body.extend({ error }), { io: 'output' });
  return schema;
}

const FORMAT_PARAMETER = {
  name: 'format',
  in: 'query',
  required: false,
  description: '`csv` streams the whole range as a CSV file (so does `Accept: text/csv`)',
  schema: { type: 'string', enum: ['json', 'csv'] },
};

type Operation = {
  parameters?: unknown[];
  responses: Record<string, { content?: Record<string, unknown>; $ref?: string }>;
  security?: unknown;
};

/**
 * The REST view of the procedures that carry `meta.openapi`, from the same zod schemas. The
 * generator's error responses (its own body shape, and 401/403 for an API without auth) are
 * replaced by the statuses and the `{ error, message }` body this API really answers with.
 */
export function openApiDocument(baseUrl: string, { publicRead = true } = {}) {
  const document = generateOpenApiDocument(appRouter, {
    title: 'Weather pipeline query API',
    description:
      'Readings, aggregates and time series of your stations. The same operations are available as typed tRPC procedures at /api/trpc. Every error is JSON `{ error, message }` (and `issues` for invalid parameters).',
    version: '0.1.0',
    baseUrl,
    tags: ['weather', 'stations'],
    securitySchemes: {},
  });
  const securitySchemes = {
    apiKey: {
      type: 'http',
      scheme: 'bearer',
      description:
        'An API key (`wxk_…`), created by an admin in the dashboard or with `npm run admin -- api-key create`',
    },
    session: {
      type: 'apiKey',
      in: 'cookie',
      name: 'weather.session_token',
      description: 'The dashboard session of a signed-in user (`__Secure-` prefixed over HTTPS)',
    },
  };
  // Reads: optional credentials while PUBLIC_READ=true (the empty requirement), else required.
  const security = [...(publicRead ? [{}] : []), { apiKey: [] }, { session: [] }];
  // Keep any schema a procedure registered; drop the generator's error bodies.
  const schemas: Record<string, unknown> = Object.fromEntries(
    Object.entries(document.components?.schemas ?? {}).filter(([id]) => !id.startsWith('error.')),
  );
  const responses: Record<string, unknown> = {};
  for (const [status, { name, description }] of Object.entries(ERROR_RESPONSES)) {
    schemas[`${name}Error`] = errorSchema(Number(status) as ErrorStatus);
    responses[name] = {
      description,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}Error` } } },
    };
  }
  const ref = (status: ErrorStatus) => ({
    $ref: `#/components/responses/${ERROR_RESPONSES[status].name}`,
  });
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const operation of Object.values(item as Record<string, Operation>)) {
      // Only an operation with parameters can answer 400 (a malformed query string is decoded
      // leniently, so a parameterless operation never sees one).
      const hasParameters = (operation.parameters ?? []).length > 0;
      const success = operation.responses['200'];
      operation.responses = {
        ...(success ? { 200: success } : {}),
        ...(hasParameters ? { 400: ref(400) } : {}),
        401: ref(401),
        ...(path.includes('{station_id}') ? { 404: ref(404) } : {}),
        414: ref(414),
        503: ref(503),
      };
      operation.security = security;
      if (path === '/weather/{station_id}' && success?.content) {
        operation.parameters = [...(operation.parameters ?? []), FORMAT_PARAMETER];
        success.content['text/csv'] = {
          schema: { type: 'string', description: 'One header line, then one line per reading' },
        };
      }
    }
  }
  return { ...document, components: { schemas, responses, securitySchemes } };
}
