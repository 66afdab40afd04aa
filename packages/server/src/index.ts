export type { ZodTypeProvider } from 'fastify-type-provider-zod';
export { runService, type ShutdownStep } from './run';
export {
  createServer,
  errorBody,
  type ReadinessCheck,
  type ServerOptions,
  type ServiceInfo,
} from './server';
