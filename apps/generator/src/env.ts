import { envVars, loadEnvOrExit, serviceVars, sharedVars } from '@weather/core/env';
import { services } from '@weather/core/services';
import { TOKEN_PATTERN } from '@weather/core/tokens';
import { z } from 'zod';
import { normaliseTarget } from './targets';

export const envSchema = z.object({
  GENERATOR_PORT: envVars.port(services.generator.port),
  /** Where simulated stations send readings unless POST /start names another collector. */
  COLLECTOR_URL: sharedVars.COLLECTOR_URL,
  /**
   * The collectors `collector_url` of POST /start and /backfill may name: comma-separated
   * http(s) URLs or origins. Unset: only COLLECTOR_URL.
   */
  GENERATOR_ALLOWED_TARGETS: z
    .string()
    .optional()
    .transform((value) =>
      value
        ?.split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    )
    .refine(
      (list) =>
        list === undefined ||
        (list.length > 0 && list.every((entry) => normaliseTarget(entry) !== undefined)),
      {
        message:
          'must be a comma-separated list of http(s) URLs or origins, without credentials, query or fragment',
      },
    ),
  /**
   * The ingest token runs send to the collector (`Authorization: Bearer`) unless POST /start or
   * /backfill passes `token`; `npm start` sets it to the simulator gateway's token.
   */
  // Empty is unset: compose passes `${GENERATOR_INGEST_TOKEN:-}` when .env names none.
  GENERATOR_INGEST_TOKEN: z
    .string()
    .transform((value) => value || undefined)
    .pipe(
      z
        .string()
        .regex(
          TOKEN_PATTERN,
          'must be an ingest token: wxg_ (gateway) or wxs_ (station) followed by 32 base64url characters, as `npm run stations -- gateway create` or `token` prints it',
        )
        .optional(),
    )
    .optional(),
  /** Requests in flight across all stations of a live run. */
  GENERATOR_MAX_IN_FLIGHT: envVars.positiveInt(32),
  CONTROL_TOKEN: sharedVars.CONTROL_TOKEN,
  ...serviceVars,
});

export type Env = z.infer<typeof envSchema>;

export const loadEnv = (): Env => loadEnvOrExit(envSchema);
