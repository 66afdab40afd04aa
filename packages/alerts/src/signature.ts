/**
 * How webhook requests are signed (SPEC §17), for senders and receivers alike: an HMAC-SHA256,
 * keyed with the webhook's secret, over `<timestamp>.<body>`, where the timestamp (Unix seconds)
 * travels in its own header. A receiver recomputes it and refuses a stale timestamp, so a
 * captured request cannot be replayed later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_HEADERS = {
  /** `sha256=<hex>`. */
  signature: 'x-signature',
  /** Unix seconds when the request was signed. */
  timestamp: 'x-signature-timestamp',
  /** The notification's id: the same on every retry, so a receiver can drop a repeat. */
  id: 'x-webhook-id',
  /** `firing`, `resolved` or `test`. */
  event: 'x-webhook-event',
} as const;

/** `sha256=<hex>` of `<timestamp>.<body>` keyed with `secret`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Whether a request's signature is right and its timestamp within `toleranceS` of `nowMs`
 * (compared in constant time).
 */
export function verifyWebhook(
  secret: string,
  request: { timestamp: string | null; signature: string | null; body: string },
  { nowMs = Date.now(), toleranceS = 300 }: { nowMs?: number; toleranceS?: number } = {},
): boolean {
  const { timestamp, signature, body } = request;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceS) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
