import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { verifyWebhook } from '@weather/alerts/signature';
import { ABSENT_MEASUREMENTS } from '@weather/core/reading';
import { createDb, insertReadings, registerStation, type StoredReading } from '@weather/db';
import { baseUrl, docs, firstAdmin, setupVar, signIn } from './helpers';

// Alerts as an operator sets them up (SPEC §17): an admin adds a webhook and an offline rule in
// the dashboard; a station that went quiet turns late, then offline; the alert fires, the
// receiver (a small HTTP server here) gets one signed notification, and the "send test" button's
// delivery shows in the log.
const MIN = 60_000;
const WATCH = { id: 'E2E-WATCH', name: 'Watch tower' };

interface Received {
  event: string;
  body: string;
  headers: http.IncomingHttpHeaders;
}

async function receiver() {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({
        event: String(request.headers['x-webhook-event']),
        body,
        headers: request.headers,
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/alerts`, received, close: () => server.close() };
}

test('an admin sets up an offline alert with a webhook; the station goes late, then offline, and it fires', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const inbox = await receiver();
  // Heard every minute until 4 minutes ago: late now (over 90 s), offline within a minute
  // (over 5 minutes of silence).
  const now = Date.now();
  const { db, close } = createDb({ url: setupVar('E2E_DATABASE_URL'), max: 1 });
  try {
    await registerStation(db, WATCH.id, { name: WATCH.name, expectedIntervalS: 60 });
    const readings: StoredReading[] = [];
    for (let t = now - 60 * MIN; t <= now - 4 * MIN; t += MIN) {
      const iso = new Date(t).toISOString();
      readings.push({
        ...ABSENT_MEASUREMENTS,
        station_id: WATCH.id,
        timestamp: iso,
        temperature: 12,
        received_at: iso,
      });
    }
    await insertReadings(db, readings);
  } finally {
    await close();
  }

  const admin = firstAdmin();
  await signIn(page, admin.email, admin.password, '/alerts');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Alerts');

  // A webhook: its signing secret is shown once.
  const hookForm = page.getByRole('form', { name: 'Add a webhook' });
  await hookForm.getByLabel('Name').fill('Ops pager');
  await hookForm.getByLabel('URL').fill(inbox.url);
  await hookForm.getByRole('button', { name: 'Add webhook' }).click();
  const secret = await page.getByTestId('created-webhook-secret').locator('input').inputValue();
  expect(secret).toMatch(/^whsec_/);
  await expect(page.getByTestId('webhook-row')).toContainText('Ops pager');

  // The rule: this station offline, to that webhook.
  const ruleForm = page.getByRole('form', { name: 'Create an alert rule' });
  await ruleForm.getByLabel('Name').fill('Watch tower offline');
  await ruleForm.getByLabel('When').selectOption('offline');
  await ruleForm.getByLabel('For', { exact: true }).selectOption('station');
  await ruleForm.getByLabel('Station id').fill(WATCH.id);
  const notify = ruleForm.getByLabel('Notify webhook');
  const option = (await notify.locator('option', { hasText: 'Ops pager' }).textContent()) ?? '';
  await notify.selectOption({ label: option });
  await ruleForm.getByRole('button', { name: 'Create rule' }).click();
  await expect(page.getByTestId('alert-rule-row')).toContainText('Watch tower offline');

  // Late first, then offline, on its page.
  await page.goto(`${baseUrl()}/stations/${WATCH.id}`);
  await expect(page.getByTestId('station-state')).toHaveText('late');
  await expect(page.getByTestId('station-state')).toHaveText('offline', { timeout: 90_000 });
  // Its page lists the alert, firing.
  await expect(page.getByTestId('station-alert').first()).toHaveAttribute('data-state', 'firing', {
    timeout: 30_000,
  });

  // The alert fires: on the alerts page, and once at the receiver, signed.
  await page.goto(`${baseUrl()}/alerts`);
  const row = page.getByTestId('alert-row').filter({ hasText: WATCH.name });
  await expect(row).toContainText('firing', { timeout: 30_000 });
  await expect.poll(() => inbox.received.length, { timeout: 30_000 }).toBe(1);
  const [firing] = inbox.received;
  expect(firing?.event).toBe('firing');
  expect(JSON.parse(firing?.body ?? '{}')).toMatchObject({
    event: 'firing',
    rule: { name: 'Watch tower offline', kind: 'offline' },
    station: { id: WATCH.id, name: WATCH.name },
  });
  expect(
    verifyWebhook(secret, {
      timestamp: String(firing?.headers['x-signature-timestamp']),
      signature: String(firing?.headers['x-signature']),
      body: firing?.body ?? '',
    }),
  ).toBe(true);

  // Acknowledged by the admin; the overview counts it as firing.
  await row.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(row).toContainText(`by ${admin.email}`);

  // The test button: a delivery in the log.
  await page.getByTestId('webhook-row').getByRole('button', { name: 'Send test' }).click();
  await expect(page.getByTestId('delivery-row').filter({ hasText: 'test' })).toContainText(
    'delivered (204)',
    {
      timeout: 30_000,
    },
  );
  await page.screenshot({ path: path.join(docs, 'alerts.png'), fullPage: true });

  await page.goto(baseUrl());
  await expect(page.getByTestId('fleet-firing')).toContainText('1 alert firing');
  inbox.close();
});
