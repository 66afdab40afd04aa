import path from 'node:path';
import { expect, test } from '@playwright/test';
import { ABSENT_MEASUREMENTS } from '@weather/core/reading';
import { createDb, insertReadings, registerStation, type StoredReading } from '@weather/db';
import { baseUrl, docs, ingestNow, setupVar } from './helpers';

// Station health (SPEC §17) as an operator sees it: two stations that went quiet, written
// straight into the database as the consumer would have stored them, with the times they arrived.
const MIN = 60_000;
const QUIET = { id: 'E2E-QUIET', name: 'Ridge mast' };
const LATE = { id: 'E2E-LATE', name: 'Harbour wall' };

/** Readings every 5 minutes from `fromMs` to `toMs`, arrived when they were taken. */
function every5min(station: string, fromMs: number, toMs: number, skip = (_t: number) => false) {
  const readings: StoredReading[] = [];
  for (let t = fromMs; t <= toMs; t += 5 * MIN) {
    if (skip(t)) continue;
    const iso = new Date(t).toISOString();
    readings.push({
      ...ABSENT_MEASUREMENTS,
      station_id: station,
      timestamp: iso,
      temperature: 8 + Math.sin(t / 3_600_000),
      humidity: 80,
      received_at: iso,
    });
  }
  return readings;
}

test('late and offline stations: the fleet strip, the filtered table and a station’s health panel', async ({
  page,
}) => {
  const now = Math.floor(Date.now() / MIN) * MIN;
  // A 90-minute hole 30 hours ago, and silent for the last 20 minutes: offline (over 15 min).
  const holeStart = now - 30 * 60 * MIN;
  const hole = (t: number) => t > holeStart && t < holeStart + 90 * MIN;
  const { db, close } = createDb({ url: setupVar('E2E_DATABASE_URL'), max: 1 });
  try {
    await registerStation(db, QUIET.id, {
      name: QUIET.name,
      timezone: 'America/New_York',
      expectedIntervalS: 300,
    });
    await registerStation(db, LATE.id, { name: LATE.name, expectedIntervalS: 300 });
    await insertReadings(db, every5min(QUIET.id, now - 48 * 60 * MIN, now - 20 * MIN, hole));
    // Silent for 10 minutes: late (over 7.5), not yet offline.
    await insertReadings(db, every5min(LATE.id, now - 60 * MIN, now - 10 * MIN));
  } finally {
    await close();
  }

  // A reading through the pipeline: its commit invalidates cached answers that predate the rows.
  await ingestNow(page, 'E2E-HEALTH-NUDGE');
  await page.goto(baseUrl());
  const offline = page.getByTestId('fleet-offline');
  await expect(offline).toContainText('offline');
  await expect
    .poll(async () => Number(await offline.locator('.fleet-count').textContent()))
    .toBeGreaterThan(0);
  await expect
    .poll(async () =>
      Number(await page.getByTestId('fleet-late').locator('.fleet-count').textContent()),
    )
    .toBeGreaterThan(0);

  // The strip's offline count opens the table filtered to offline stations.
  await offline.click();
  await expect(page).toHaveURL(/state=offline/);
  const rows = page.getByTestId('station-row');
  await expect(rows.filter({ hasText: QUIET.name })).toContainText('offline');
  await expect(rows.filter({ hasText: LATE.name })).toHaveCount(0);
  for (const state of await rows.evaluateAll((trs) =>
    trs.map((tr) => tr.getAttribute('data-state')),
  )) {
    expect(state).toBe('offline');
  }

  await page.goto(`${baseUrl()}/stations/${QUIET.id}`);
  const panel = page.getByTestId('station-health');
  await expect(page.getByTestId('station-state')).toHaveText('offline');
  await expect(panel).toContainText('5 min (registered)');
  await expect(panel).toContainText('Completeness per day (America/New_York)');
  await expect(panel.getByTestId('completeness').locator('li')).toHaveCount(7);
  const gaps = panel.getByTestId('gaps');
  await expect(gaps).toContainText('still silent');
  // Silent since 20 minutes before the test began.
  await expect(gaps).toContainText(/still silent2\d min/);
  await expect(gaps).toContainText('1 h 30 min');
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: path.join(docs, 'station-health.png') });

  await page.goto(`${baseUrl()}/stations/${LATE.id}`);
  await expect(page.getByTestId('station-state')).toHaveText('late');
});
