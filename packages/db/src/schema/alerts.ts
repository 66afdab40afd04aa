import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { stations } from './stations';

const tstz = () => timestamp({ withTimezone: true, mode: 'date', precision: 3 });

/** What an alert rule watches (SPEC §17). */
export const RULE_KINDS = ['offline', 'threshold', 'battery_low'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
/** Which stations a rule covers: one, those with a tag, or all. */
export const RULE_SCOPES = ['station', 'tag', 'all'] as const;
export type RuleScope = (typeof RULE_SCOPES)[number];
/** A threshold rule fires when the value goes above or below its threshold. */
export const THRESHOLD_DIRECTIONS = ['above', 'below'] as const;
export type ThresholdDirection = (typeof THRESHOLD_DIRECTIONS)[number];
/** An alert waits (`pending`) out its rule's duration, then fires; it resolves once. */
export const ALERT_STATES = ['pending', 'firing', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
/** What a notification says: an alert fired or resolved, or a webhook's test. */
export const NOTIFICATION_EVENTS = ['firing', 'resolved', 'test'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

const oneOf = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * Where notifications go: an http(s) URL (checked at creation and at each delivery against
 * private addresses) and the secret its requests are signed with (HMAC-SHA256).
 */
export const webhooks = pgTable('webhooks', {
  id: serial().primaryKey(),
  name: text().notNull(),
  url: text().notNull(),
  secret: text().notNull(),
  createdAt: tstz().notNull().defaultNow(),
});

/** An alert rule (SPEC §17), created by admins. */
export const alertRules = pgTable(
  'alert_rules',
  {
    id: serial().primaryKey(),
    name: text().notNull(),
    kind: text().$type<RuleKind>().notNull(),
    scope: text().$type<RuleScope>().notNull(),
    /** The station id (scope `station`) or the tag (scope `tag`); null for `all`. */
    target: text(),
    /** Threshold rules: the measurement, the direction, where it fires and where it clears. */
    measurement: text(),
    direction: text().$type<ThresholdDirection>(),
    threshold: doublePrecision(),
    /** Where a firing threshold alert resolves: below it for `above` (hysteresis), above for `below`. */
    clearAt: doublePrecision(),
    /** How long the condition must hold before the alert fires, in seconds. */
    forSeconds: integer().notNull().default(0),
    webhookId: integer().references(() => webhooks.id, { onDelete: 'set null' }),
    enabled: boolean().notNull().default(true),
    /** Nothing is sent for it until then (maintenance); its alerts still change state. */
    silencedUntil: tstz(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    check('alert_rules_kind', sql`${t.kind} in (${oneOf(RULE_KINDS)})`),
    check('alert_rules_scope', sql`${t.scope} in (${oneOf(RULE_SCOPES)})`),
    check(
      'alert_rules_direction',
      sql`${t.direction} is null or ${t.direction} in (${oneOf(THRESHOLD_DIRECTIONS)})`,
    ),
  ],
);

/**
 * One alert per rule and station while it is pending or firing; resolved ones stay as history.
 * The partial unique index makes a second open alert of the same rule and station impossible,
 * whatever two evaluators do at once.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: serial().primaryKey(),
    ruleId: integer()
      .notNull()
      .references(() => alertRules.id, { onDelete: 'cascade' }),
    stationId: text()
      .notNull()
      .references(() => stations.id),
    state: text().$type<AlertState>().notNull(),
    /** When the condition was first seen to hold (the data's time for threshold rules). */
    since: tstz().notNull(),
    firedAt: tstz(),
    resolvedAt: tstz(),
    /** The value that fired it (threshold rules), and the last one seen. */
    value: doublePrecision(),
    acknowledgedAt: tstz(),
    acknowledgedBy: text(),
  },
  (t) => [
    check('alerts_state', sql`${t.state} in (${oneOf(ALERT_STATES)})`),
    uniqueIndex('alerts_open_idx').on(t.ruleId, t.stationId).where(sql`${t.state} <> 'resolved'`),
    index('alerts_station_idx').on(t.stationId, t.since),
  ],
);

/**
 * A station silenced for maintenance: no notification for it until `until`.
 */
export const stationSilences = pgTable('station_silences', {
  stationId: text()
    .primaryKey()
    .references(() => stations.id),
  until: tstz().notNull(),
  reason: text(),
});

/**
 * Notifications to send, written in the same transaction as the alert change they announce (an
 * outbox), then delivered with retries; each row is the delivery log of one notification.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: serial().primaryKey(),
    webhookId: integer()
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    alertId: integer().references(() => alerts.id, { onDelete: 'cascade' }),
    event: text().$type<NotificationEvent>().notNull(),
    payload: jsonb().notNull(),
    createdAt: tstz().notNull().defaultNow(),
    nextAttemptAt: tstz().notNull().defaultNow(),
    attempts: integer().notNull().default(0),
    deliveredAt: tstz(),
    /** Set when it will not be tried again (retries exhausted, or the address was refused). */
    failedAt: tstz(),
    lastStatus: integer(),
    lastError: text(),
  },
  (t) => [
    check('notifications_event', sql`${t.event} in (${oneOf(NOTIFICATION_EVENTS)})`),
    index('notifications_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.deliveredAt} is null and ${t.failedAt} is null`),
    index('notifications_webhook_idx').on(t.webhookId, t.createdAt),
  ],
);
