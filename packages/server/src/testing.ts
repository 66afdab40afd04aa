import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** An answer as a test saw it (`fastify.inject`, or a real HTTP client). */
export interface SeenResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

interface MediaType {
  schema?: object;
}
interface Operation {
  responses?: Record<string, { content?: Record<string, MediaType> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, unknown>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * Checks real answers against an OpenAPI 3.1 document: the operation exists, it lists the
 * status, and the body has exactly a declared media type and shape. Remembers which documented
 * (operation, status) pairs were checked, so a test can require that every one was.
 */
export function openApiContract(document: unknown) {
  const doc = document as OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  if (JSON.stringify(doc).includes('"$ref"')) {
    ajv.addSchema({ ...doc, $id: 'openapi.json' }, undefined, undefined, false);
  }
  const compiled = new Map<object, ValidateFunction>();
  const validatorOf = (schema: object) => {
    let validate = compiled.get(schema);
    if (!validate) {
      // Local references point into the document, which is registered as `openapi.json`.
      const resolved = JSON.parse(
        JSON.stringify(schema).replaceAll('"$ref":"#/', '"$ref":"openapi.json#/'),
      );
      validate = ajv.compile(resolved);
      compiled.set(schema, validate);
    }
    return validate;
  };

  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    pattern: new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`,
    ),
  }));
  const exercised = new Set<string>();

  return {
    /** What is wrong with `response` to `method url` by the document; empty when it conforms. */
    check(method: string, url: string, response: SeenResponse): string[] {
      const path = url.split('?')[0] ?? url;
      const what = `${method} ${url} → ${response.statusCode}`;
      const template = templates.find((t) => t.pattern.test(path))?.template;
      const operation = template ? doc.paths[template]?.[method.toLowerCase()] : undefined;
      if (!template || !operation) return [`${what}: operation not documented`];
      const status = String(response.statusCode);
      const key = operation.responses?.[status]
        ? status
        : operation.responses?.[`${status[0]}XX`]
          ? `${status[0]}XX`
          : 'default';
      const declared = resolveResponse(doc, operation.responses?.[key]);
      if (!declared) return [`${what}: status not documented`];
      exercised.add(`${method.toUpperCase()} ${template} ${key}`);

      const header = response.headers['content-type'];
      const mediaType = String(Array.isArray(header) ? header[0] : (header ?? ''))
        .split(';')[0]
        ?.trim()
        .toLowerCase();
      if (!declared.content) {
        return response.body === '' ? [] : [`${what}: a body is sent but none is documented`];
      }
      const media = mediaType ? declared.content[mediaType] : undefined;
      if (!media) {
        return [
          `${what}: content type ${mediaType || '(none)'} not documented (documented: ${Object.keys(declared.content).join(', ')})`,
        ];
      }
      if (!media.schema) return [];
      let value: unknown = response.body;
      if (mediaType?.includes('json')) {
        try {
          value = JSON.parse(response.body);
        } catch {
          return [`${what}: body is not JSON`];
        }
      }
      const validate = validatorOf(media.schema);
      if (validate(value)) return [];
      return (validate.errors ?? []).map(
        (e) => `${what}: body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
      );
    },

    /** Documented (operation, status) pairs no checked answer has exercised. */
    unexercised(): string[] {
      const missing: string[] = [];
      for (const [template, item] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(item)) {
          if (!METHODS.includes(method)) continue;
          for (const status of Object.keys(operation.responses ?? {})) {
            const key = `${method.toUpperCase()} ${template} ${status}`;
            if (!exercised.has(key)) missing.push(key);
          }
        }
      }
      return missing;
    },
  };
}

export type OpenApiContract = ReturnType<typeof openApiContract>;

/** A response object, or the `#/components/responses/…` one it references. */
function resolveResponse<T extends object>(doc: OpenApiDocument, response: T | undefined) {
  const ref = (response as { $ref?: unknown } | undefined)?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/components/responses/')) return response;
  const components = (doc as { components?: { responses?: Record<string, T> } }).components;
  return components?.responses?.[ref.slice('#/components/responses/'.length)];
}
