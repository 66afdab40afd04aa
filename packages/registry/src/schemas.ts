/**
 * What a station or gateway may be registered with: one set of rules for the CLI, the admin
 * API and the dashboard's forms.
 */
import { stationIdSchema } from '@weather/core/reading';
import { z } from 'zod';

export { stationIdSchema };

/** Whether `zone` is an IANA time zone this runtime knows (`UTC`, `Europe/Berlin`, …). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const optionalText = (max: number) => z.string().trim().min(1).max(max).nullable().optional();

/** A per-credential limit: a positive rate, 0 for none, null for the collector's default. */
const rateLimit = z.number().min(0).max(1_000_000).nullable().optional();

/** Fields of a station, every one optional (an update names only what changes). */
export const stationFields = z.object({
  name: optionalText(200),
  description: optionalText(2000),
  latitude: z
    .number()
    .min(-90, 'must be between -90 and 90')
    .max(90, 'must be between -90 and 90')
    .nullable()
    .optional(),
  longitude: z
    .number()
    .min(-180, 'must be between -180 and 180')
    .max(180, 'must be between -180 and 180')
    .nullable()
    .optional(),
  elevation: z.number().min(-500).max(9000).nullable().optional(),
  timezone: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone such as UTC or Europe/Berlin')
    .optional(),
  tags: z
    .array(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'tags are 1–64 of A-Z a-z 0-9 . _ : -'),
    )
    .max(50)
    .optional(),
  expectedIntervalS: z.number().int().min(1).max(86_400).nullable().optional(),
  enabled: z.boolean().optional(),
  gatewayId: stationIdSchema.nullable().optional(),
  requestsPerSecond: rateLimit,
  readingsPerSecond: rateLimit,
});
export type StationFieldsInput = z.infer<typeof stationFields>;

export const gatewayFields = z.object({
  name: optionalText(200),
  autoRegister: z.boolean().optional(),
  requestsPerSecond: rateLimit,
  readingsPerSecond: rateLimit,
});
export type GatewayFieldsInput = z.infer<typeof gatewayFields>;
