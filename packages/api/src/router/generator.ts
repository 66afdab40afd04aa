import { TRPCError } from '@trpc/server';
import {
  backfillOptionsSchema,
  backfillResultSchema,
  GeneratorHttpError,
  GeneratorUnreachableError,
  generatorClient,
  generatorStatusSchema,
  simulatedStationSchema,
  startOptionsSchema,
  startResultSchema,
  stationsQuerySchema,
  stopResultSchema,
} from '@weather/contracts/generator';
import { defaults } from '@weather/core/env';
import { registerSimulatedStations } from '@weather/registry';
import { z } from 'zod';
import { type ApiContext, adminProcedure, router, viewerProcedure } from '../trpc';

const client = (ctx: ApiContext) =>
  generatorClient(ctx.generatorUrl ?? defaults.GENERATOR_URL, { controlToken: ctx.controlToken });

const CODES: Record<number, TRPCError['code']> = {
  400: 'BAD_REQUEST',
  409: 'CONFLICT',
};

/** Calls the generator; its refusals keep their meaning, an outage is SERVICE_UNAVAILABLE. */
async function forward<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GeneratorHttpError) {
      throw new TRPCError({
        code: CODES[error.status] ?? 'BAD_GATEWAY',
        message: error.message,
        cause: error,
      });
    }
    if (error instanceof GeneratorUnreachableError) {
      throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: error.message, cause: error });
    }
    if (error instanceof z.ZodError) {
      throw new TRPCError({
        code: 'BAD_GATEWAY',
        message: 'The generator answered in an unexpected shape; are the versions in step?',
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * The names, places and time zones of a run's simulated stations, into the registry, so the
 * dashboard shows them (their ids are registered by the simulator gateway on first reading).
 * The run goes on whether or not this works.
 */
async function describeRun(ctx: ApiContext, options: { stations?: number; seed?: number }) {
  try {
    const simulated = await client(ctx).stations({ count: options.stations, seed: options.seed });
    await registerSimulatedStations(ctx.db, simulated);
  } catch (err) {
    ctx.logger?.warn({ err }, 'could not register the simulated stations');
  }
}

/** Generator controls for the dashboard: the station simulator's HTTP API, typed. */
export const generatorRouter = router({
  status: viewerProcedure
    .output(generatorStatusSchema)
    .query(({ ctx }) => forward(() => client(ctx).status())),

  /** Starting while a run is going restarts it with the new options. */
  start: adminProcedure
    .input(startOptionsSchema.prefault({}))
    .output(startResultSchema)
    .mutation(async ({ ctx, input }) => {
      const started = await forward(() => client(ctx).start(input));
      await describeRun(ctx, input);
      return started;
    }),

  /** Stops the live run and any backfill; answers with the final counts. */
  stop: adminProcedure
    .output(stopResultSchema)
    .mutation(({ ctx }) => forward(() => client(ctx).stop())),

  /** The simulated stations (names, places, climates), for labelling SIM-… stations. */
  stations: viewerProcedure
    .input(stationsQuerySchema.prefault({}))
    .output(z.array(simulatedStationSchema))
    .query(({ ctx, input }) => forward(() => client(ctx).stations(input))),

  /** CONFLICT while another backfill runs. */
  backfill: adminProcedure
    .input(backfillOptionsSchema.prefault({}))
    .output(backfillResultSchema)
    .mutation(async ({ ctx, input }) => {
      const started = await forward(() => client(ctx).backfill(input));
      await describeRun(ctx, input);
      return started;
    }),
});
