import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { verifyWebhook } from '@weather/alerts/signature';
import { baseUrl, docs, firstAdmin, signIn } from './helpers';

// Alerts as an operator sets them up (SPEC §17): an admin adds a webhook and an offline rule in
// the dashboard for a simulated station, then stops the simulator; the station turns late, then
// offline (5 minutes of silence); the alert fires, the receiver (a small HTTP server here) gets
// one signed notification, and the "send test" button's delivery shows in the log.
const WATCH = 'SIM-001';

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

test('an admin sets up an offline alert with a webhook, stops the simulator; the station goes late, then offline, and it fires', async ({
  page,
}) => {
  // Offline takes 5 minutes of silence (SPEC §17).
  test.setTimeout(600_000);
  const inbox = await receiver();
  const admin = firstAdmin();
  await signIn(page, admin.email, admin.password);

  // The simulator runs one station, reporting every second.
  const liveRun = page.getByTestId('generator-panel').getByRole('form', { name: 'Live run' });
  await liveRun.getByLabel('Stations').fill('1');
  await liveRun.getByLabel('Interval (s)').fill('1');
  await liveRun.getByLabel('Uploads as').selectOption({ label: 'JSON API' });
  await liveRun.getByRole('button', { name: /Start|Restart/ }).click();
  await expect(page.getByTestId('generator-state')).toHaveText(/running/i);

  await page.goto(`${baseUrl()}/alerts`);
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
  await ruleForm.getByLabel('Name').fill('Mast offline');
  await ruleForm.getByLabel('When').selectOption('offline');
  await ruleForm.getByLabel('For', { exact: true }).selectOption('station');
  await ruleForm.getByLabel('Station id').fill(WATCH);
  const notify = ruleForm.getByLabel('Notify webhook');
  const option = (await notify.locator('option', { hasText: 'Ops pager' }).textContent()) ?? '';
  await notify.selectOption({ label: option });
  await ruleForm.getByRole('button', { name: 'Create rule' }).click();
  await expect(page.getByTestId('alert-rule-row')).toContainText('Mast offline');

  // Online while the simulator runs; stopped, the station is late, then offline.
  await page.goto(`${baseUrl()}/stations/${WATCH}`);
  await expect(page.getByTestId('station-state')).toHaveText('online', { timeout: 60_000 });
  await page.goto(baseUrl());
  await page.getByTestId('generator-panel').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('generator-state')).toHaveText(/stopped|idle/i);
  await page.goto(`${baseUrl()}/stations/${WATCH}`);
  await expect(page.getByTestId('station-state')).toHaveText('late', { timeout: 90_000 });
  expect(inbox.received).toEqual([]);
  await expect(page.getByTestId('station-state')).toHaveText('offline', { timeout: 400_000 });
  // Its page lists the alert, firing.
  await expect(page.getByTestId('station-alert').first()).toHaveAttribute('data-state', 'firing', {
    timeout: 30_000,
  });

  // The alert fires: on the alerts page, and once at the receiver, signed.
  await page.goto(`${baseUrl()}/alerts`);
  const row = page
    .getByTestId('alert-row')
    .filter({ has: page.locator(`a[href="/stations/${WATCH}"]`) });
  await expect(row).toContainText('firing', { timeout: 30_000 });
  await expect.poll(() => inbox.received.length, { timeout: 30_000 }).toBe(1);
  const [firing] = inbox.received;
  expect(firing?.event).toBe('firing');
  expect(JSON.parse(firing?.body ?? '{}')).toMatchObject({
    event: 'firing',
    rule: { name: 'Mast offline', kind: 'offline' },
    station: { id: WATCH },
  });
  expect(
    verifyWebhook(secret, {
      timestamp: String(firing?.headers['x-signature-timestamp']),
      signature: String(firing?.headers['x-signature']),
      body: firing?.body ?? '',
    }),
  ).toBe(true);

  // Acknowledged by the admin.
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
