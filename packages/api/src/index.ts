export { type ApiBackend, createApiBackend } from './backend';
export { type CacheStatus, QueryCache } from './cache';
export {
  CSV_COLUMNS,
  csvColumnsFor,
  csvFor,
  csvHeader,
  csvRow,
  SUMMARY_CSV_COLUMNS,
  summariesCsv,
} from './csv';
export { describeError, type ErrorBody, errorBody } from './errors';
export { MAX_BATCH_SIZE, MAX_URL_LENGTH, malformedEncoding } from './limits';
export { openApiDocument } from './openapi';
export { handleRest } from './rest';
export { type AppRouter, appRouter, createCaller } from './root';
export { MAX_LIMIT } from './router/weather';
export { apiSchemasFor, MAX_QUERY_TIME, STATS_BY_AGGREGATION } from './schemas';
export { MAX_BUCKETS } from './services/weather';
export type { ApiContext } from './trpc';
export { handleTrpc } from './trpc-handler';
