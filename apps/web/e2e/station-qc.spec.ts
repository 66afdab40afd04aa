import path from 'node:path';
import { expect, test } from '@playwright/test';
import { baseUrl, docs, setupVar } from './helpers';

// Quality control (SPEC §14) as a station owner sees it: a temperature sensor that spikes once
// by 25 °C, sent through the collector like any station's readings; the QC worker flags it
// after the fact, and the station page marks it and leaves it out of the figures.
const STATION = 'E2E-QC';
const MIN = 60_000;

test('a spike is flagged, marked on the chart and in the raw readings, and left out of the figures', async ({
  page,
}) => {
  const now = Math.floor(Date.now() / MIN) * MIN;
  const SPIKE = 20;
  const readings = Array.from({ length: 40 }, (_, i) => ({
    station_id: STATION,
    timestamp: new Date(now - (40 - i) * MIN).toISOString(),
    temperature: Math.round((12 + Math.sin(i / 6)) * 10) / 10 + (i === SPIKE ? 25 : 0),
    humidity: 70,
  }));
  const res = await fetch(`${setupVar('E2E_COLLECTOR_URL')}/weather-data/batch`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${setupVar('E2E_INGEST_TOKEN')}`,
    },
    body: JSON.stringify({ records: readings }),
  });
  expect(res.status).toBe(202);
  const spike = readings[SPIKE];
  if (!spike) throw new Error('no spike reading');

  // The worker flags it within a few passes; the flags endpoint says so.
  await expect
    .poll(
      async () =>
        JSON.stringify(
          await (
            await page.request.get(
              `${baseUrl()}/api/weather/flags/${STATION}?start_time=${new Date(now - 2 * 60 * MIN).toISOString()}`,
            )
          ).json(),
        ),
      { timeout: 60_000 },
    )
    .toContain('"spike"');

  await page.goto(`${baseUrl()}/stations/${STATION}?range=1h&bucket=1m`);
  const chart = page.getByTestId('chart-temperature');
  await expect(page.getByTestId('chart-temperature-note')).toContainText('1 flagged');
  await expect(chart.locator('.flagged-points path').first()).toBeVisible();

  // The QC panel lists it (with the dew point, heat index and feels-like derived from it, as
  // doubtful as it), and the figures leave it out until asked to include it.
  const panel = page.getByTestId('qc-panel');
  await expect(panel.getByTestId('qc-summary')).toContainText('1 reading flagged');
  const rows = panel.getByTestId('qc-row');
  await expect(rows.first()).toContainText('Temperature');
  await expect(rows.first()).toContainText('spike');
  await expect(rows.first()).toContainText(`${spike.temperature.toFixed(1)} °C`);
  await expect(rows.filter({ hasText: 'Dew point' })).toContainText('spike');
  const highest = page.getByTestId('aggregate-temperature');
  await expect(highest).not.toContainText(spike.temperature.toFixed(1));
  await panel.getByTestId('include-flagged').check();
  await expect(highest).toContainText(spike.temperature.toFixed(1));
  await expect(page.getByTestId('chart-temperature-note')).toHaveCount(0);
  await panel.getByTestId('include-flagged').uncheck();

  // The raw readings mark the flagged value.
  const flaggedCell = page
    .getByTestId('readings-table')
    .getByTestId('flagged-cell')
    .filter({ hasText: spike.temperature.toFixed(1) });
  await expect(flaggedCell).toHaveAttribute('title', 'Flagged: spike');

  // Daily summaries in the station's time zone leave it out too and count it.
  const summaries = page.getByTestId('summaries-table');
  await expect(summaries.getByTestId('summary-row').first()).toContainText('1 flagged');

  await chart.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(docs, 'station-qc.png'), fullPage: false });
  await panel.screenshot({ path: path.join(docs, 'station-qc-panel.png') });
});
