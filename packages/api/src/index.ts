export { type CacheStatus, QueryCache } from './cache';
export { CSV_COLUMNS, csvHeader, csvRow } from './csv';
export { openApiDocument } from './openapi';
export { handleRest } from './rest';
export { type AppRouter, appRouter, createCaller } from './root';
export { MAX_BUCKETS, MAX_LIMIT } from './router/weather';
export type { ApiContext } from './trpc';
