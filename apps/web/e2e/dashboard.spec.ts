import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, type Locator, test } from '@playwright/test';
import { localUrl } from '@weather/core/services';

const baseUrl = () => process.env.E2E_BASE_URL ?? localUrl('web');
const docs = path.resolve(import.meta.dirname, '../../../docs');
/** Something drawn from data: a line, a band, a bar, or a dot for an isolated bucket. */
const plotted = (chart: Locator) =>
  chart
    .locator('.recharts-line-curve, .recharts-area-area, .recharts-bar-rectangle, .chart-point')
    .filter({ visible: true })
    .first();

const MEASUREMENT_CHARTS = [
  'temperature',
  'humidity',
  'wind_speed',
  'wind_direction',
  'wind_gust',
  'pressure',
  'precipitation',
];

test('from an empty system to live station charts, driven from the dashboard', async ({ page }) => {
  await page.goto(baseUrl());

  // Empty database: the page says how to get data in.
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await expect(page.getByTestId('empty-state')).toContainText('Generator');

  // Start the simulator from the page.
  const liveRun = page.getByTestId('generator-panel').getByRole('form', { name: 'Live run' });
  await liveRun.getByLabel('Stations').fill('5');
  await liveRun.getByLabel('Interval (s)').fill('1');
  await liveRun.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('generator-state')).toHaveText(/running/i);

  // Stations appear in the live table without a reload.
  await expect(page.getByTestId('station-row').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('station-row')).toHaveCount(5, { timeout: 30_000 });
  await expect(page.getByTestId('health-consumer')).toContainText('up');

  // A day of history for the same stations, from the backfill controls.
  await page.getByText('Backfill history').click();
  const backfill = page.getByTestId('generator-panel').getByRole('form', { name: 'Backfill' });
  await backfill.getByLabel('Stations').fill('5');
  await backfill.getByLabel('Days').fill('1');
  await backfill.getByLabel('Every (s)').fill('300');
  await backfill.getByRole('button', { name: 'Backfill' }).click();
  await expect(page.getByTestId('backfill-state')).toHaveText(/completed/, { timeout: 60_000 });
  // The consumer stores it; the live figures and sparklines follow without a reload.
  await expect
    .poll(
      async () =>
        Number(
          (await page.getByTestId('figure-stored').locator('dd').textContent())?.replace(/\D/g, ''),
        ),
      {
        timeout: 60_000,
      },
    )
    .toBeGreaterThanOrEqual(1440);
  await expect(page.locator('svg.sparkline').first()).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: path.join(docs, 'overview.png'), fullPage: true });

  // A station page: every chart has plotted data, the raw table has rows.
  const firstStation = page.getByTestId('station-row').first().getByRole('link');
  const stationId = decodeURIComponent(
    ((await firstStation.getAttribute('href')) ?? '').split('/').pop() ?? '',
  );
  await firstStation.click();
  await expect(page).toHaveURL(/\/stations\//);
  for (const chart of MEASUREMENT_CHARTS) {
    await expect(plotted(page.getByTestId(`chart-${chart}`))).toBeVisible();
  }
  await expect(page.getByTestId('reading-row').first()).toBeVisible();
  await expect(page.getByTestId('aggregate')).toContainText('°C');
  await page.screenshot({ path: path.join(docs, 'station.png'), fullPage: true });

  // Changing the range reloads the charts (the URL carries the choice).
  await page.getByTestId('range-picker').selectOption('1h');
  await expect(page).toHaveURL(/range=1h/);
  await expect(page.getByTestId('bucket-picker')).toContainText('1 min');
  await expect(plotted(page.getByTestId('chart-temperature'))).toBeVisible();

  // CSV download of the range: header with units and one line per reading stored in it (the
  // generator is still running, so the count is bracketed by the API's counts before and after).
  const csvLink = page.getByTestId('csv-download');
  const csvUrl = new URL((await csvLink.getAttribute('href')) ?? '', baseUrl());
  const countFor = async () => {
    const query = new URLSearchParams({
      start_time: csvUrl.searchParams.get('start_time') ?? '',
      end_time: csvUrl.searchParams.get('end_time') ?? '',
    });
    const res = await page.request.get(
      `${baseUrl()}/api/weather/aggregate/${encodeURIComponent(stationId)}?${query}`,
    );
    return ((await res.json()) as { count: number }).count;
  };
  const before = await countFor();
  const downloadPromise = page.waitForEvent('download');
  await csvLink.click();
  const download = await downloadPromise;
  const csv = await readFile((await download.path()) ?? '', 'utf8');
  const after = await countFor();
  const lines = csv.trim().split('\n');
  expect(lines[0]).toBe(
    'station_id,timestamp,temperature_c,humidity_pct,wind_speed_m_s,wind_direction_deg,wind_gust_m_s,pressure_hpa,precipitation_mm,received_at',
  );
  expect(lines.length - 1).toBeGreaterThanOrEqual(Math.max(before, 1));
  expect(lines.length - 1).toBeLessThanOrEqual(after);
  expect(lines.slice(1).every((line) => line.split(',')[0] === stationId)).toBe(true);

  // Back to the overview: stop the generator; the status says so.
  await page.goto(baseUrl());
  await page.getByTestId('generator-panel').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('generator-state')).toHaveText(/stopped/i);
});
