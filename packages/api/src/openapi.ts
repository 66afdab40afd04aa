import { generateOpenApiDocument } from 'trpc-to-openapi';
import { appRouter } from './root';

/** The REST view of the procedures that carry `meta.openapi`, from the same zod schemas. */
export function openApiDocument(baseUrl: string) {
  return generateOpenApiDocument(appRouter, {
    title: 'Weather pipeline query API',
    description:
      'Readings, aggregates and time series of your stations. The same operations are available as typed tRPC procedures at /api/trpc.',
    version: '0.1.0',
    baseUrl,
    tags: ['weather', 'stations'],
  });
}
