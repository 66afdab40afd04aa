import { apiKeysRouter, authRouter, usersRouter } from './router/admin';
import { alertsRouter } from './router/alerts';
import { generatorRouter } from './router/generator';
import { pipelineRouter } from './router/pipeline';
import { stationsRouter } from './router/stations';
import { weatherRouter } from './router/weather';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  weather: weatherRouter,
  stations: stationsRouter,
  pipeline: pipelineRouter,
  generator: generatorRouter,
  auth: authRouter,
  users: usersRouter,
  apiKeys: apiKeysRouter,
  alerts: alertsRouter,
});

export type AppRouter = typeof appRouter;

/** In-process calls (server components, REST handlers, tests). */
export const createCaller = createCallerFactory(appRouter);
