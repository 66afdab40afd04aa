/**
 * What every Node service answers on its operations routes (`@weather/server` serves them; the
 * dashboard, the test kit and the compose healthchecks read them).
 */
import { z } from 'zod';

/** `GET /health`: liveness, no dependency checks. */
export const healthBody = z
  .object({ status: z.literal('ok'), service: z.string(), uptime_s: z.number() })
  .meta({ description: 'The process is up' });

/** Each dependency's verdict: "ok", or why it failed. */
const checks = z.record(z.string(), z.string());

/** `GET /ready` 200: every dependency answered. */
export const readyBody = z
  .object({ status: z.literal('ready'), checks })
  .meta({ description: 'Every dependency answered; `checks` says "ok" for each' });

/** `GET /ready` 503: a dependency failed. */
export const notReadyBody = z
  .object({ status: z.literal('not_ready'), checks })
  .meta({ description: 'A dependency failed: `checks` gives its reason' });

/** Either answer of `GET /ready`, for readers. */
export const readinessBody = z.discriminatedUnion('status', [readyBody, notReadyBody]);
export type ReadinessBody = z.infer<typeof readinessBody>;
