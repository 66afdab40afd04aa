import { randomBytes } from 'node:crypto';
import { MAX_URL_LENGTH } from '@weather/api/limits';
import type { ServiceProcess } from '@weather/test-kit';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededDatabase, startWeb, unreachableDatabaseUrl } from './web-server';

// Every operation of /api/openapi.json, asked for real so that it answers each status the
// document lists, and each body validated against the schema the document gives for it.
const station = `OAS-${randomBytes(3).toString('hex')}`;
const RANGE = 'start_time=2026-01-10T00:00:00Z&end_time=2026-01-10T01:00:00Z';

interface Response {
  $ref?: string;
  content?: Record<string, { schema: unknown }>;
}
interface Operation {
  operationId: string;
  parameters?: { name: string; in: string }[];
  responses: Record<string, Response>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { responses?: Record<string, Response> };
}

let database: Awaited<ReturnType<typeof seededDatabase>>;
let web: ServiceProcess;
let down: ServiceProcess;
let document: Document;

beforeAll(async () => {
  database = await seededDatabase('web_openapi', station);
  [web, down] = await Promise.all([
    startWeb(database.url),
    startWeb(await unreachableDatabaseUrl()),
  ]);
  document = (await (await fetch(`${web.url}/api/openapi.json`)).json()) as Document;
});

afterAll(async () => {
  await Promise.all([web?.stop(), down?.stop()]);
  await database?.drop();
});

/** A key we never issued: presented credentials are checked even while anyone may read. */
const UNKNOWN_KEY = { authorization: `Bearer wxk_${'A'.repeat(32)}` };

/** Requests that make an operation answer `status`: [base URL, path and query, headers?]. */
function requestsFor(
  path: string,
  operation: Operation,
  status: string,
): [string, string, Record<string, string>?][] {
  const url = (id: string, query = '') => `/api${path.replace('{station_id}', id)}${query}`;
  const query = operation.parameters?.some((p) => p.name === 'interval')
    ? `?${RANGE}&interval=15m`
    : operation.parameters?.some((p) => p.name === 'start_time')
      ? `?${RANGE}`
      : '';
  switch (status) {
    case '200':
      return [[web.url, url(station, query)]];
    case '400':
      // A path without a station refuses its paging (or state) input instead.
      if (path === '/fleet/health') return [[web.url, url(station, '?state=sleepy')]];
      return path.includes('{station_id}')
        ? [
            ...(query
              ? [[web.url, url(station, '?start_time=yesterday')] as [string, string]]
              : []),
            [web.url, url('bad;id')],
            [web.url, url('%ZZ')],
          ]
        : [
            [web.url, url(station, '?limit=0')],
            [web.url, url(station, '?cursor=not-a-cursor')],
          ];
    case '401':
      return [[web.url, url(station, query), UNKNOWN_KEY]];
    case '404':
      return [[web.url, url('NOPE-404', query)]];
    case '414':
      return [[web.url, url(station, `?pad=${'x'.repeat(MAX_URL_LENGTH)}`)]];
    case '503':
      return [[down.url, url(station, query)]];
    default:
      return [];
  }
}

function validator(schema: unknown) {
  // Schemas point into the document's components; validate each within the whole document.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile({ ...(schema as object), components: document.components });
}

describe('the OpenAPI document', () => {
  it('documents every query operation with its error statuses', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => [
        `${method.toUpperCase()} ${path}`,
        Object.keys(op.responses),
      ]),
    );
    expect(Object.fromEntries(operations)).toEqual({
      'GET /weather/{station_id}': ['200', '400', '401', '404', '414', '503'],
      'GET /weather/aggregate/{station_id}': ['200', '400', '401', '404', '414', '503'],
      'GET /weather/timeseries/{station_id}': ['200', '400', '401', '404', '414', '503'],
      'GET /weather/last-upload/{station_id}': ['200', '400', '401', '404', '414', '503'],
      'GET /weather/flags/{station_id}': ['200', '400', '401', '404', '414', '503'],
      'GET /weather/summaries/{station_id}': ['200', '400', '401', '404', '414', '503'],
      'GET /stations': ['200', '400', '401', '414', '503'],
      'GET /stations/{station_id}/health': ['200', '400', '401', '404', '414', '503'],
      'GET /fleet/health': ['200', '400', '401', '414', '503'],
    });
  });

  it('is kept: each operation answers every status it lists with a body its schema accepts', async () => {
    let checked = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, declared] of Object.entries(operation.responses)) {
          const response = declared.$ref
            ? document.components.responses?.[declared.$ref.split('/').pop() as string]
            : declared;
          const schema = response?.content?.['application/json']?.schema;
          const where = `${method.toUpperCase()} ${path} ${status}`;
          expect(schema, `${where} declares a JSON body`).toBeDefined();
          const validate = validator(schema);
          const requests = requestsFor(path, operation, status);
          expect(requests.length, `${where} has a request that produces it`).toBeGreaterThan(0);
          for (const [base, target, headers] of requests) {
            const res = await fetch(`${base}${target}`, { method: method.toUpperCase(), headers });
            expect([where, target.slice(0, 80), res.status]).toEqual([
              where,
              target.slice(0, 80),
              Number(status),
            ]);
            expect(res.headers.get('content-type')).toMatch(/^application\/json/);
            const body: unknown = await res.json();
            if (!validate(body)) {
              expect.fail(`${where} ${target}: ${JSON.stringify(validate.errors)}`);
            }
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('refuses the bodies the web app once answered with: an extra `data`, raw validator issues', () => {
    const notFound = validator({ $ref: '#/components/schemas/NotFoundError' });
    expect(notFound({ error: 'not_found', message: 'Unknown station "X"' })).toBe(true);
    expect(
      notFound({
        message: 'Unknown station "X"',
        code: 'NOT_FOUND',
        data: { code: 'NOT_FOUND', httpStatus: 404, path: 'weather.readings' },
      }),
    ).toBe(false);
    const badRequest = validator({ $ref: '#/components/schemas/BadRequestError' });
    const issue = { path: ['limit'], message: 'Too small: expected number to be >=1' };
    expect(badRequest({ error: 'validation_failed', message: 'x', issues: [issue] })).toBe(true);
    expect(
      badRequest({
        error: 'validation_failed',
        message: 'x',
        issues: [{ ...issue, code: 'too_small', origin: 'number', minimum: 1 }],
      }),
    ).toBe(false);
  });

  it('declares the CSV that readings answer with format=csv', async () => {
    const readings = document.paths['/weather/{station_id}']?.get;
    expect(readings?.parameters).toContainEqual(expect.objectContaining({ name: 'format' }));
    expect(Object.keys(readings?.responses['200']?.content ?? {})).toContain('text/csv');
    const res = await fetch(`${web.url}/api/weather/${station}?format=csv&${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await res.text()).split('\n')[0]).toMatch(/^station_id,timestamp,/);
  });
});
