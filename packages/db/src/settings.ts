import { z } from 'zod';
import { defaultTimescaleSettings, type TimescaleSettings } from './timescale';

const interval = (fallback: string) =>
  z
    .string()
    .regex(
      /^\d+\s*(minutes?|hours?|days?|weeks?|months?|years?)$/,
      'must be an interval like "7 days"',
    )
    .default(fallback);

/** Environment variables for the TimescaleDB settings; apps that migrate include them in their env schema. */
export const timescaleSettingsVars = {
  TIMESCALE_CHUNK_INTERVAL: interval(defaultTimescaleSettings.chunkInterval),
  TIMESCALE_COMPRESS_AFTER: interval(defaultTimescaleSettings.compressAfter),
  TIMESCALE_RETENTION: z
    .string()
    .regex(/^\d+\s*(days?|weeks?|months?|years?)$/, 'must be an interval like "365 days"')
    .optional(),
};

export function timescaleSettingsFromEnv(env: {
  TIMESCALE_CHUNK_INTERVAL: string;
  TIMESCALE_COMPRESS_AFTER: string;
  TIMESCALE_RETENTION?: string | undefined;
}): TimescaleSettings {
  return {
    chunkInterval: env.TIMESCALE_CHUNK_INTERVAL,
    compressAfter: env.TIMESCALE_COMPRESS_AFTER,
    retention: env.TIMESCALE_RETENTION ?? null,
  };
}
