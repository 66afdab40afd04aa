export type { ZodTypeProvider } from 'fastify-type-provider-zod';
export { bearerToken } from './control';
export { nextTurn } from './cooperative';
export { type ErrorBody, errorBody, HttpError, ValidationFailure } from './errors';
export { runService, type ShutdownStep } from './run';
export {
  createServer,
  DEFAULT_LIMITS,
  type HttpLimits,
  type OpenApiDocument,
  type ReadinessCheck,
  type Server,
  type ServerOptions,
  type ServiceInfo,
} from './server';
