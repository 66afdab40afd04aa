/**
 * Alert rules, webhooks, alerts and silences (SPEC §17). Reading is for viewers; every change is
 * an admin's (sessions from this dashboard's pages, or admin API keys).
 */
import {
  AlertStoreError,
  acknowledgeAlert,
  checkWebhookUrl,
  createRule,
  createWebhook,
  deleteRule,
  deleteWebhook,
  listAlerts,
  listDeliveries,
  listRules,
  listStationSilences,
  listWebhooks,
  queueTest,
  ruleInput,
  silenceRule,
  silenceStation,
  WebhookAddressError,
} from '@weather/alerts';
import { stationIdSchema } from '@weather/core/reading';
import { ALERT_STATES } from '@weather/db';
import { z } from 'zod';
import { ApiError } from '../errors';
import { adminProcedure, router, viewerProcedure } from '../trpc';

const CODES = {
  unknown_rule: 'NOT_FOUND',
  unknown_webhook: 'NOT_FOUND',
  unknown_alert: 'NOT_FOUND',
  unknown_station: 'NOT_FOUND',
} as const;

/** Our refusals keep their reason; anything else goes on to the generic handling. */
async function refusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AlertStoreError) {
      throw new ApiError({
        code: CODES[error.reason],
        reason: error.reason,
        message: error.message,
      });
    }
    if (error instanceof WebhookAddressError) {
      throw new ApiError({
        code: 'BAD_REQUEST',
        reason: 'webhook_address_refused',
        message: `url ${error.message}`,
      });
    }
    throw error;
  }
}

/** SPEC §17: private webhook addresses only when the operator allows them. */
const allowPrivate = () => process.env.WEBHOOK_ALLOW_PRIVATE === 'true';
const dashboardUrl = () => (process.env.PUBLIC_URL ?? 'http://localhost:3000').replace(/\/$/, '');

const id = z.number().int().positive();
/** A silence's end: an ISO time in the future, at most 90 days ahead; null lifts it. */
const until = z.iso
  .datetime({ offset: true, error: 'must be ISO 8601 with "Z" or an offset' })
  .nullable()
  .refine(
    (value) =>
      value === null ||
      (Date.parse(value) > Date.now() && Date.parse(value) < Date.now() + 90 * 86_400_000),
    'must be in the future, at most 90 days ahead',
  );

const iso = (date: Date | null) => date?.toISOString() ?? null;

export const alertsRouter = router({
  rules: viewerProcedure.query(async ({ ctx }) =>
    (await listRules(ctx.db)).map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      scope: r.scope,
      target: r.target,
      measurement: r.measurement,
      direction: r.direction,
      threshold: r.threshold,
      clear_at: r.clearAt,
      for_seconds: r.forSeconds,
      webhook_id: r.webhookId,
      enabled: r.enabled,
      silenced_until: iso(r.silencedUntil),
      created_at: iso(r.createdAt),
    })),
  ),

  createRule: adminProcedure
    .input(ruleInput)
    .mutation(({ ctx, input }) =>
      refusals(async () => ({ id: (await createRule(ctx.db, input)).id })),
    ),

  deleteRule: adminProcedure
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => refusals(() => deleteRule(ctx.db, input.id))),

  /** Silences a rule until a time (maintenance), or lifts it with `until: null`. */
  silenceRule: adminProcedure.input(z.object({ id, until })).mutation(({ ctx, input }) =>
    refusals(async () => {
      await silenceRule(ctx.db, input.id, input.until ? new Date(input.until) : null);
    }),
  ),

  /** Silences a station for every rule until a time, or lifts it with `until: null`. */
  silenceStation: adminProcedure
    .input(z.object({ station_id: stationIdSchema, until, reason: z.string().max(200).nullish() }))
    .mutation(({ ctx, input }) =>
      refusals(() =>
        silenceStation(
          ctx.db,
          input.station_id,
          input.until ? new Date(input.until) : null,
          input.reason ?? null,
        ),
      ),
    ),

  silences: viewerProcedure.query(async ({ ctx }) =>
    (await listStationSilences(ctx.db, new Date())).map((s) => ({
      station_id: s.stationId,
      until: iso(s.until),
      reason: s.reason,
    })),
  ),

  webhooks: adminProcedure.query(async ({ ctx }) =>
    (await listWebhooks(ctx.db)).map((w) => ({
      id: w.id,
      name: w.name,
      url: w.url,
      created_at: iso(w.createdAt),
    })),
  ),

  /** A webhook, its URL checked now; its signing secret is in this answer only. */
  createWebhook: adminProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, 'is required').max(100),
        url: z.string().max(2000),
      }),
    )
    .mutation(({ ctx, input }) =>
      refusals(async () => {
        await checkWebhookUrl(input.url, allowPrivate());
        const hook = await createWebhook(ctx.db, input);
        return { id: hook.id, name: hook.name, url: hook.url, secret: hook.secret };
      }),
    ),

  deleteWebhook: adminProcedure
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => refusals(() => deleteWebhook(ctx.db, input.id))),

  /** The "send test" button: a test notification, delivered like any other. */
  testWebhook: adminProcedure
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => refusals(() => queueTest(ctx.db, input.id, dashboardUrl()))),

  /** A webhook's delivery log, newest first. */
  deliveries: adminProcedure.input(z.object({ id })).query(({ ctx, input }) =>
    refusals(async () =>
      (await listDeliveries(ctx.db, input.id)).map((d) => ({
        id: d.id,
        event: d.event,
        alert_id: d.alertId,
        created_at: iso(d.createdAt),
        attempts: d.attempts,
        delivered_at: iso(d.deliveredAt),
        failed_at: iso(d.failedAt),
        next_attempt_at: d.deliveredAt || d.failedAt ? null : iso(d.nextAttemptAt),
        last_status: d.lastStatus,
        last_error: d.lastError,
      })),
    ),
  ),

  /** Open alerts (pending and firing), or one station's history. */
  list: viewerProcedure
    .input(
      z
        .object({
          station_id: stationIdSchema.optional(),
          states: z.array(z.enum(ALERT_STATES)).min(1).max(3).optional(),
          limit: z.number().int().min(1).max(500).default(100),
        })
        .prefault({}),
    )
    .query(({ ctx, input }) =>
      listAlerts(ctx.db, {
        stationId: input.station_id,
        states: input.states ?? (input.station_id ? undefined : ['pending', 'firing']),
        limit: input.limit,
      }),
    ),

  acknowledge: adminProcedure.input(z.object({ id })).mutation(({ ctx, input }) =>
    refusals(async () => {
      const by =
        ctx.principal.kind === 'session' ? ctx.principal.email : `API key ${ctx.principal.name}`;
      await acknowledgeAlert(ctx.db, input.id, by);
    }),
  ),
});
