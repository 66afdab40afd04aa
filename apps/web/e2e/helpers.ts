import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { localUrl } from '@weather/core/services';

/** The web app the global setup started. */
export const baseUrl = () => process.env.E2E_BASE_URL ?? localUrl('web');

type SetupVar =
  | 'E2E_DATABASE_URL'
  | 'E2E_COLLECTOR_URL'
  | 'E2E_INGEST_TOKEN'
  | 'E2E_QUERY_URL'
  | 'E2E_ADMIN_EMAIL'
  | 'E2E_ADMIN_PASSWORD';

/** Set by the global setup: the pipeline's services and the first admin. */
export function setupVar(name: SetupVar): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e through playwright.config.ts`);
  return value;
}

/** The first admin, as the web app created it from ADMIN_EMAIL / ADMIN_PASSWORD. */
export const firstAdmin = () => ({
  email: setupVar('E2E_ADMIN_EMAIL'),
  password: setupVar('E2E_ADMIN_PASSWORD'),
});

export const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
export const userMenu = (page: Page) => page.getByTestId('user-menu');

/**
 * Signs in through the sign-in page, as a person does, and waits until the header names the
 * user. Lands on `next` (the overview by default).
 */
export async function signIn(page: Page, email: string, password: string, next = '/') {
  await page.goto(`${baseUrl()}/sign-in?next=${encodeURIComponent(next)}`);
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(userMenu(page)).toContainText(email);
  await expect(page).toHaveURL(new URL(next, baseUrl()).href);
}

/** Signs out from the header; the header offers sign-in again. */
export async function signOut(page: Page) {
  await userMenu(page).getByRole('button', { name: 'Sign out' }).click();
  await expect(userMenu(page).getByRole('link', { name: 'Sign in' })).toBeVisible();
}

/** Where the screenshots the README shows are written. */
export const docs = path.resolve(import.meta.dirname, '../../../docs');

/** Something drawn from data: a line, a band, a bar, or a dot for an isolated bucket. */
export const plotted = (chart: Locator) =>
  chart
    .locator('.recharts-line-curve, .recharts-area-area, .recharts-bar-rectangle, .chart-point')
    .filter({ visible: true })
    .first();

/**
 * Sends one reading now through the collector (the pipeline's gateway token registers the
 * station), and waits until the stations list has it: the consumer's commit invalidates the
 * cached answers, so rows a test wrote straight into the database show from then on.
 */
export async function ingestNow(page: Page, stationId: string) {
  const res = await fetch(`${setupVar('E2E_COLLECTOR_URL')}/weather-data`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${setupVar('E2E_INGEST_TOKEN')}`,
    },
    body: JSON.stringify({
      station_id: stationId,
      timestamp: new Date().toISOString(),
      temperature: 10,
    }),
  });
  expect(res.status).toBe(202);
  await expect
    .poll(
      async () =>
        JSON.stringify(await (await page.request.get(`${baseUrl()}/api/stations`)).json()),
      {
        timeout: 30_000,
      },
    )
    .toContain(`"${stationId}"`);
}
