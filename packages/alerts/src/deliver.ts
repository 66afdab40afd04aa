/**
 * Delivering one notification (SPEC §17): a JSON POST, signed (`signature.ts`), to an address
 * checked as the connection is made (`address.ts`), with a 10-second limit. Failures are retried
 * with exponential backoff (10 s doubling, at most 10 minutes apart) for at least an hour.
 */
import http from 'node:http';
import https from 'node:https';
import {
  parseWebhookUrl,
  publicOnlyLookup,
  refuseLiteralPrivate,
  WebhookAddressError,
} from './address';
import { signWebhook, WEBHOOK_HEADERS } from './signature';
import type { DueNotification } from './store';

export const DELIVERY = {
  timeoutMs: 10_000,
  firstRetryMs: 10_000,
  maxRetryMs: 10 * 60_000,
  /** Retries stop once a notification is this old (and has been tried this often). */
  giveUpAfterMs: 65 * 60_000,
  minAttempts: 8,
} as const;

export type DeliveryOutcome =
  | { ok: true; status: number }
  | { ok: false; status: number | null; error: string; retryAt: Date | null };

/** When to try again after `attempts` failed attempts, or null to give up. */
export function retryAt(
  attempts: number,
  createdAt: Date,
  nowMs: number,
  firstRetryMs: number = DELIVERY.firstRetryMs,
): Date | null {
  const age = nowMs - createdAt.getTime();
  if (age >= DELIVERY.giveUpAfterMs && attempts >= DELIVERY.minAttempts) return null;
  const wait = Math.min(firstRetryMs * 2 ** Math.max(0, attempts - 1), DELIVERY.maxRetryMs);
  return new Date(nowMs + wait);
}

/** POSTs the notification; `allowPrivate` lets it reach private addresses (tests, own network). */
export async function deliver(
  n: DueNotification,
  {
    allowPrivate,
    nowMs = Date.now(),
    firstRetryMs,
  }: { allowPrivate: boolean; nowMs?: number; firstRetryMs?: number },
): Promise<DeliveryOutcome> {
  const attempts = n.attempts + 1;
  const failure = (status: number | null, error: string, final = false): DeliveryOutcome => ({
    ok: false,
    status,
    error,
    retryAt: final ? null : retryAt(attempts, n.created_at, nowMs, firstRetryMs),
  });
  let url: URL;
  try {
    url = parseWebhookUrl(n.url);
    if (!allowPrivate) refuseLiteralPrivate(url);
  } catch (error) {
    return failure(null, (error as Error).message, true);
  }
  const body = JSON.stringify({ id: n.id, ...(n.payload as object) });
  const timestamp = String(Math.floor(nowMs / 1000));
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'weather-pipeline-alerts',
    [WEBHOOK_HEADERS.id]: String(n.id),
    [WEBHOOK_HEADERS.event]: n.event,
    [WEBHOOK_HEADERS.timestamp]: timestamp,
    [WEBHOOK_HEADERS.signature]: signWebhook(n.secret, timestamp, body),
  };
  return new Promise((resolve) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(
      url,
      {
        method: 'POST',
        headers,
        timeout: DELIVERY.timeoutMs,
        ...(allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          resolve(
            status >= 200 && status < 300
              ? { ok: true, status }
              : failure(status, `answered ${status}`),
          );
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error('no answer within 10 s')));
    request.on('error', (error) =>
      resolve(failure(null, error.message, error instanceof WebhookAddressError)),
    );
    request.end(body);
  });
}
