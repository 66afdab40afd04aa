/**
 * The alert tables (SPEC §17): rules, webhooks, alerts, station silences and the notification
 * outbox. An alert's change and the notifications announcing it commit in one transaction, so
 * a crash or restart can neither lose nor repeat a notification (only a delivery cut off between
 * the receiver's answer and its record can be sent again, with the same `x-webhook-id`).
 */
import { randomBytes } from 'node:crypto';
import {
  type AlertState,
  alertRules,
  alerts,
  type Database,
  type NotificationEvent,
  notifications,
  rowsOf,
  stationSilences,
  webhooks,
} from '@weather/db';
import { stations } from '@weather/db/schema';
import { and, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Change, OpenAlert, Rule } from './evaluate';
import type { RuleInput } from './rules';

export type RuleRow = typeof alertRules.$inferSelect;
export type WebhookRow = Omit<typeof webhooks.$inferSelect, 'secret'>;

export class AlertStoreError extends Error {
  override name = 'AlertStoreError';
  constructor(
    readonly reason: 'unknown_rule' | 'unknown_webhook' | 'unknown_alert' | 'unknown_station',
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Rules

export async function createRule(db: Database, input: RuleInput): Promise<RuleRow> {
  if (input.webhook_id !== null) await requireWebhook(db, input.webhook_id);
  if (input.scope === 'station' && input.target !== null) {
    const [found] = await db
      .select({ id: stations.id })
      .from(stations)
      .where(eq(stations.id, input.target));
    if (!found) throw new AlertStoreError('unknown_station', `Unknown station "${input.target}"`);
  }
  const [row] = await db
    .insert(alertRules)
    .values({
      name: input.name,
      kind: input.kind,
      scope: input.scope,
      target: input.target,
      measurement: input.measurement,
      direction: input.direction,
      threshold: input.threshold,
      clearAt: input.clear_at,
      forSeconds: input.for_seconds,
      webhookId: input.webhook_id,
    })
    .returning();
  return row as RuleRow;
}

export const listRules = (db: Database): Promise<RuleRow[]> =>
  db.select().from(alertRules).orderBy(alertRules.id);

export async function deleteRule(db: Database, id: number): Promise<void> {
  const deleted = await db
    .delete(alertRules)
    .where(eq(alertRules.id, id))
    .returning({ id: alertRules.id });
  if (deleted.length === 0) throw new AlertStoreError('unknown_rule', `No alert rule ${id}`);
}

/** Silences a rule until `until` (null: no longer); its alerts still change state, unannounced. */
export async function silenceRule(db: Database, id: number, until: Date | null): Promise<RuleRow> {
  const [row] = await db
    .update(alertRules)
    .set({ silencedUntil: until })
    .where(eq(alertRules.id, id))
    .returning();
  if (!row) throw new AlertStoreError('unknown_rule', `No alert rule ${id}`);
  return row;
}

/** Silences a station for every rule until `until` (null: no longer). */
export async function silenceStation(
  db: Database,
  stationId: string,
  until: Date | null,
  reason: string | null,
): Promise<void> {
  const [found] = await db
    .select({ id: stations.id })
    .from(stations)
    .where(eq(stations.id, stationId));
  if (!found) throw new AlertStoreError('unknown_station', `Unknown station "${stationId}"`);
  if (until === null) {
    await db.delete(stationSilences).where(eq(stationSilences.stationId, stationId));
    return;
  }
  await db
    .insert(stationSilences)
    .values({ stationId, until, reason })
    .onConflictDoUpdate({ target: stationSilences.stationId, set: { until, reason } });
}

export const listStationSilences = (db: Database, now: Date) =>
  db
    .select()
    .from(stationSilences)
    .where(sql`${stationSilences.until} > ${now.toISOString()}::timestamptz`);

// ---------------------------------------------------------------------------------------------
// Webhooks

/** A new webhook with a fresh signing secret, returned once (like a token). */
export async function createWebhook(
  db: Database,
  input: { name: string; url: string },
): Promise<WebhookRow & { secret: string }> {
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const [row] = await db
    .insert(webhooks)
    .values({ ...input, secret })
    .returning();
  return row as WebhookRow & { secret: string };
}

export const listWebhooks = (db: Database): Promise<WebhookRow[]> =>
  db
    .select({
      id: webhooks.id,
      name: webhooks.name,
      url: webhooks.url,
      createdAt: webhooks.createdAt,
    })
    .from(webhooks)
    .orderBy(webhooks.id);

async function requireWebhook(db: Database, id: number) {
  const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id));
  if (!row) throw new AlertStoreError('unknown_webhook', `No webhook ${id}`);
  return row;
}

export async function deleteWebhook(db: Database, id: number): Promise<void> {
  const deleted = await db
    .delete(webhooks)
    .where(eq(webhooks.id, id))
    .returning({ id: webhooks.id });
  if (deleted.length === 0) throw new AlertStoreError('unknown_webhook', `No webhook ${id}`);
}

/** Queues a test notification to a webhook (the "send test" button). */
export async function queueTest(db: Database, id: number, dashboardUrl: string) {
  const hook = await requireWebhook(db, id);
  const [row] = await db
    .insert(notifications)
    .values({
      webhookId: id,
      event: 'test',
      payload: {
        event: 'test',
        webhook: { id, name: hook.name },
        message: 'A test notification: this webhook receives alerts from the weather pipeline.',
        sent_at: new Date().toISOString(),
        url: dashboardUrl,
      },
    })
    .returning({ id: notifications.id });
  return { notification_id: (row as { id: number }).id };
}

/** A webhook's deliveries, newest first: the delivery log. */
export async function listDeliveries(db: Database, webhookId: number, limit = 50) {
  await requireWebhook(db, webhookId);
  return db
    .select({
      id: notifications.id,
      event: notifications.event,
      alertId: notifications.alertId,
      createdAt: notifications.createdAt,
      attempts: notifications.attempts,
      deliveredAt: notifications.deliveredAt,
      failedAt: notifications.failedAt,
      nextAttemptAt: notifications.nextAttemptAt,
      lastStatus: notifications.lastStatus,
      lastError: notifications.lastError,
    })
    .from(notifications)
    .where(eq(notifications.webhookId, webhookId))
    .orderBy(desc(notifications.id))
    .limit(limit);
}

// ---------------------------------------------------------------------------------------------
// Alerts

export async function openAlerts(db: Database): Promise<OpenAlert[]> {
  const rows = await db
    .select({
      id: alerts.id,
      ruleId: alerts.ruleId,
      stationId: alerts.stationId,
      state: alerts.state,
      since: alerts.since,
    })
    .from(alerts)
    .where(ne(alerts.state, 'resolved'));
  return rows.map((r) => ({
    ...r,
    state: r.state as OpenAlert['state'],
    since: r.since.getTime(),
  }));
}

export interface AlertRow {
  id: number;
  rule_id: number;
  rule_name: string;
  kind: string;
  station_id: string;
  station_name: string | null;
  state: AlertState;
  since: string;
  fired_at: string | null;
  resolved_at: string | null;
  value: number | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}

/** Alerts, open ones (pending and firing) before resolved ones, newest first. */
export async function listAlerts(
  db: Database,
  p: { stationId?: string; states?: AlertState[]; limit?: number },
): Promise<AlertRow[]> {
  const conditions = [
    p.stationId ? sql`a.station_id = ${p.stationId}` : undefined,
    p.states ? sql`a.state = any(${sql.param(p.states)}::text[])` : undefined,
  ].filter((c) => c !== undefined);
  const iso = (column: string) =>
    sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
  return rowsOf<AlertRow>(
    await db.execute(sql`
      select a.id, a.rule_id, r.name as rule_name, r.kind, a.station_id, s.name as station_name, a.state,
        ${iso('a.since')} as since, ${iso('a.fired_at')} as fired_at, ${iso('a.resolved_at')} as resolved_at,
        a.value, ${iso('a.acknowledged_at')} as acknowledged_at, a.acknowledged_by
      from alerts a join alert_rules r on r.id = a.rule_id join stations s on s.id = a.station_id
      ${conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``}
      order by a.state = 'resolved', a.id desc
      limit ${p.limit ?? 100}`),
  );
}

/** Acknowledges a firing alert: someone is on it. */
export async function acknowledgeAlert(db: Database, id: number, by: string): Promise<void> {
  const updated = await db
    .update(alerts)
    .set({ acknowledgedAt: new Date(), acknowledgedBy: by })
    .where(and(eq(alerts.id, id), eq(alerts.state, 'firing'), isNull(alerts.acknowledgedAt)))
    .returning({ id: alerts.id });
  if (updated.length === 0) {
    throw new AlertStoreError('unknown_alert', `No unacknowledged firing alert ${id}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Applying an evaluation

/** What a notification tells a receiver. */
export interface AlertPayload {
  event: NotificationEvent;
  alert: {
    id: number;
    state: AlertState;
    since: string;
    fired_at: string | null;
    resolved_at: string | null;
    value: number | null;
  };
  rule: { id: number; name: string; kind: string };
  station: { id: string; name: string | null };
  url: string;
}

/**
 * Applies the changes, each in its own transaction with the notifications it announces: to the
 * rule's webhook, unless the rule or the station is silenced at `now`.
 */
export async function applyChanges(
  db: Database,
  changes: readonly Change[],
  p: { rules: Map<number, RuleRow>; now: Date; dashboardUrl: string },
): Promise<{ fired: number; resolved: number }> {
  let fired = 0;
  let resolved = 0;
  const silenced = new Set((await listStationSilences(db, p.now)).map((s) => s.stationId));
  for (const change of changes) {
    await db.transaction(async (tx) => {
      const t = tx as unknown as Database;
      let row: typeof alerts.$inferSelect | undefined;
      let event: 'firing' | 'resolved' | null = null;
      if (change.kind === 'open') {
        [row] = await t
          .insert(alerts)
          .values({
            ruleId: change.ruleId,
            stationId: change.stationId,
            state: change.fire ? 'firing' : 'pending',
            since: new Date(change.since),
            firedAt: change.fire ? p.now : null,
            value: change.value,
          })
          // Another evaluator opened it first: nothing to do.
          .onConflictDoNothing()
          .returning();
        if (row && change.fire) event = 'firing';
      } else if (change.kind === 'fire') {
        [row] = await t
          .update(alerts)
          .set({ state: 'firing', firedAt: p.now, value: change.value })
          .where(and(eq(alerts.id, change.alertId), eq(alerts.state, 'pending')))
          .returning();
        if (row) event = 'firing';
      } else if (change.kind === 'drop') {
        await t
          .delete(alerts)
          .where(and(eq(alerts.id, change.alertId), eq(alerts.state, 'pending')));
      } else {
        [row] = await t
          .update(alerts)
          .set({
            state: 'resolved',
            resolvedAt: p.now,
            ...(change.value === null ? {} : { value: change.value }),
          })
          .where(and(eq(alerts.id, change.alertId), eq(alerts.state, 'firing')))
          .returning();
        if (row) event = 'resolved';
      }
      if (!row || !event) return;
      if (event === 'firing') fired++;
      else resolved++;
      const rule = p.rules.get(row.ruleId);
      const muted =
        silenced.has(row.stationId) ||
        (rule?.silencedUntil !== null &&
          rule?.silencedUntil !== undefined &&
          rule.silencedUntil > p.now);
      if (!rule || rule.webhookId === null || muted) return;
      const [station] = await t
        .select({ name: stations.name })
        .from(stations)
        .where(eq(stations.id, row.stationId));
      const payload: AlertPayload = {
        event,
        alert: {
          id: row.id,
          state: row.state,
          since: row.since.toISOString(),
          fired_at: row.firedAt?.toISOString() ?? null,
          resolved_at: row.resolvedAt?.toISOString() ?? null,
          value: row.value,
        },
        rule: { id: rule.id, name: rule.name, kind: rule.kind },
        station: { id: row.stationId, name: station?.name ?? null },
        url: `${p.dashboardUrl}/stations/${encodeURIComponent(row.stationId)}`,
      };
      await t
        .insert(notifications)
        .values({ webhookId: rule.webhookId, alertId: row.id, event, payload });
    });
  }
  return { fired, resolved };
}

/** The rules the evaluation reads, from their rows. */
export const ruleOf = (row: RuleRow): Rule => ({
  id: row.id,
  kind: row.kind,
  scope: row.scope,
  target: row.target,
  measurement: row.measurement,
  direction: row.direction,
  threshold: row.threshold,
  clearAt: row.clearAt,
  forSeconds: row.forSeconds,
});

// ---------------------------------------------------------------------------------------------
// The outbox

export interface DueNotification {
  id: number;
  webhook_id: number;
  url: string;
  secret: string;
  event: NotificationEvent;
  payload: unknown;
  attempts: number;
  created_at: Date;
}

/**
 * Claims up to `limit` notifications that are due: their next attempt moves `leaseMs` ahead,
 * so another deliverer does not take them while this one sends.
 */
export async function claimDue(
  db: Database,
  limit: number,
  leaseMs: number,
): Promise<DueNotification[]> {
  const rows = rowsOf<DueNotification>(
    await db.execute(sql`
      with due as (
        select id from notifications
        where delivered_at is null and failed_at is null and next_attempt_at <= now()
        order by next_attempt_at
        limit ${limit}
        for update skip locked
      )
      update notifications n set next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
      from due, webhooks w
      where n.id = due.id and w.id = n.webhook_id
      returning n.id, n.webhook_id, w.url, w.secret, n.event, n.payload, n.attempts, n.created_at`),
  );
  return rows.map((r) => ({ ...r, created_at: new Date(r.created_at) }));
}

export async function recordDelivery(
  db: Database,
  id: number,
  outcome:
    | { ok: true; status: number }
    | { ok: false; status: number | null; error: string; retryAt: Date | null },
) {
  await db
    .update(notifications)
    .set(
      outcome.ok
        ? {
            deliveredAt: new Date(),
            lastStatus: outcome.status,
            lastError: null,
            attempts: sql`${notifications.attempts} + 1`,
          }
        : {
            attempts: sql`${notifications.attempts} + 1`,
            lastStatus: outcome.status,
            lastError: outcome.error.slice(0, 500),
            ...(outcome.retryAt ? { nextAttemptAt: outcome.retryAt } : { failedAt: new Date() }),
          },
    )
    .where(eq(notifications.id, id));
}
