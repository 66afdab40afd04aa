/**
 * Alert rules as admins write them (SPEC §17), checked the same way from the dashboard and the
 * API: what is watched, for which stations, and for how long before it fires.
 */
import { MEASUREMENTS, NUMERIC_MEASUREMENT_NAMES } from '@weather/core/measurements';
import { stationIdSchema } from '@weather/core/reading';
import { RULE_KINDS, RULE_SCOPES, THRESHOLD_DIRECTIONS } from '@weather/db';
import { z } from 'zod';

/** The longest a condition may be required to hold: a week. */
export const MAX_FOR_SECONDS = 7 * 86_400;

const scope = {
  scope: z.enum(RULE_SCOPES).meta({ description: 'One station, the stations with a tag, or all' }),
  target: z
    .string()
    .min(1)
    .max(64)
    .nullish()
    .transform((v) => v ?? null)
    .meta({ description: 'The station id (scope `station`) or the tag (scope `tag`)' }),
};

export const ruleInput = z
  .object({
    name: z.string().trim().min(1, 'is required').max(100),
    kind: z.enum(RULE_KINDS).meta({
      description:
        '`offline`: the station is offline; `threshold`: a measurement above/below a value; `battery_low`',
    }),
    ...scope,
    measurement: z
      .enum(NUMERIC_MEASUREMENT_NAMES)
      .nullish()
      .transform((v) => v ?? null),
    direction: z
      .enum(THRESHOLD_DIRECTIONS)
      .nullish()
      .transform((v) => v ?? null),
    threshold: z
      .number()
      .finite()
      .nullish()
      .transform((v) => v ?? null),
    clear_at: z
      .number()
      .finite()
      .nullish()
      .transform((v) => v ?? null)
      .meta({
        description:
          'Where a firing threshold alert resolves (hysteresis): at or below it for `above`, at or above it for `below`; the threshold itself when absent',
      }),
    for_seconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_FOR_SECONDS)
      .default(0)
      .meta({ description: 'How long the condition must hold before the alert fires' }),
    webhook_id: z
      .number()
      .int()
      .positive()
      .nullish()
      .transform((v) => v ?? null),
  })
  .superRefine((rule, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (rule.scope === 'all' && rule.target !== null)
      issue('target', 'must be absent for scope all');
    if (rule.scope !== 'all' && rule.target === null)
      issue('target', `is required for scope ${rule.scope}`);
    if (
      rule.scope === 'station' &&
      rule.target !== null &&
      !stationIdSchema.safeParse(rule.target).success
    ) {
      issue('target', 'is not a station id');
    }
    if (rule.kind !== 'threshold') {
      for (const field of ['measurement', 'direction', 'threshold', 'clear_at'] as const) {
        if (rule[field] !== null) issue(field, `is only for threshold rules`);
      }
      return;
    }
    if (rule.measurement === null) issue('measurement', 'is required for a threshold rule');
    if (rule.direction === null) issue('direction', 'is required for a threshold rule');
    if (rule.threshold === null) issue('threshold', 'is required for a threshold rule');
    if (rule.measurement === null || rule.threshold === null || rule.direction === null) return;
    const { min, max } = MEASUREMENTS[rule.measurement];
    if (rule.threshold < min || rule.threshold > max) {
      issue('threshold', `must be within ${rule.measurement}'s range, ${min} … ${max}`);
    }
    if (rule.clear_at !== null) {
      const wrongSide =
        rule.direction === 'above'
          ? rule.clear_at > rule.threshold
          : rule.clear_at < rule.threshold;
      if (wrongSide) {
        issue(
          'clear_at',
          `must be ${rule.direction === 'above' ? 'at or below' : 'at or above'} the threshold`,
        );
      }
    }
  });
export type RuleInput = z.output<typeof ruleInput>;
