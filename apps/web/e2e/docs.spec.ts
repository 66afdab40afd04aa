import { expect, test } from '@playwright/test';
import { baseUrl } from './helpers';

// The API docs page under the page's CSP: Swagger UI loads, an operation expands, and "Try it
// out" calls the API on this origin and shows its answer — with nothing refused or thrown.
test('the API docs page runs an operation from the browser', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  await page.goto(`${baseUrl()}/docs`);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Query API', exact: true }),
  ).toBeVisible();
  const stations = page.locator('.opblock', { hasText: '/stations' }).first();
  await stations.locator('.opblock-summary').click();
  await stations.getByRole('button', { name: 'Execute' }).click();
  await expect(
    stations.locator('.live-responses-table tr.response .response-col_status').first(),
  ).toHaveText('200');
  expect(problems).toEqual([]);
});
