import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
  addCredential,
  createDb,
  createGateway,
  registerStation,
  revokeCredential,
} from '@weather/db';
import { baseUrl, docs, firstAdmin, mainNav, plotted, setupVar, signIn } from './helpers';

/** A named station, registered before it first reports (SPEC §12). */
const ROOF = {
  id: 'E2E-ROOF',
  name: 'Roof garden',
  description: 'On the mast above the lab',
  latitude: 52.52,
  longitude: 13.4,
  elevation: 34,
  timezone: 'Europe/Berlin',
  tags: ['roof', 'e2e'],
};
const GATEWAY = { id: 'GW-E2E', name: 'Lab forwarder' };

/** A token as the CLI issues one; the registry keeps only its hash and prefix. */
function issueToken(kind: 'station' | 'gateway') {
  const token = `${kind === 'station' ? 'wxs_' : 'wxg_'}${randomBytes(24).toString('base64url')}`;
  return {
    token,
    prefix: token.slice(0, 12),
    hash: createHash('sha256').update(token).digest('hex'),
  };
}

/**
 * What an operator does with `npm run stations` before the station is switched on: registers it
 * with a station token (an older one revoked), and a gateway with a token of its own. Returns
 * the live station token.
 */
async function registerRoof(): Promise<string> {
  const { db, close } = createDb({ url: setupVar('E2E_DATABASE_URL'), max: 1 });
  try {
    await createGateway(db, GATEWAY.id, { name: GATEWAY.name });
    const { id, ...fields } = ROOF;
    await registerStation(db, id, fields);
    const [old, live, gateway] = [
      issueToken('station'),
      issueToken('station'),
      issueToken('gateway'),
    ];
    for (const [kind, ownerId, token] of [
      ['station', ROOF.id, old],
      ['station', ROOF.id, live],
      ['gateway', GATEWAY.id, gateway],
    ] as const) {
      await addCredential(db, { kind, ownerId, prefix: token.prefix, hash: token.hash });
    }
    await revokeCredential(db, old.prefix);
    return live.token;
  } finally {
    await close();
  }
}

/** Posts readings to the collector the way a station does; the one place the request is built. */
async function postReadings(records: object[], token: string) {
  const res = await fetch(`${setupVar('E2E_COLLECTOR_URL')}/weather-data/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ records }),
  });
  const body = (await res.json().catch(() => ({}))) as { successful?: number };
  return { status: res.status, accepted: body.successful ?? 0 };
}

/** A day of readings every 5 minutes up to now: a daily cycle, and a shower in the afternoon. */
function dayOfReadings(stationId: string, now = Date.now()) {
  const step = 5 * 60_000;
  const last = Math.floor(now / step) * step;
  return Array.from({ length: 288 }, (_, i) => {
    const t = last - (287 - i) * step;
    const phase = (2 * Math.PI * i) / 288;
    const round = (value: number) => Math.round(value * 10) / 10;
    return {
      station_id: stationId,
      timestamp: new Date(t).toISOString(),
      temperature: round(14 - 5 * Math.cos(phase)),
      humidity: round(70 + 15 * Math.cos(phase)),
      pressure: round(1012 + 3 * Math.sin(phase / 2)),
      wind_speed: round(3 + 2 * Math.sin(3 * phase) ** 2),
      wind_gust: round(5 + 3 * Math.sin(3 * phase) ** 2),
      wind_direction: Math.round((240 + 40 * Math.sin(phase)) % 360),
      precipitation: i >= 180 && i < 200 ? 0.4 : 0,
    };
  });
}

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
  test.setTimeout(240_000);
  // The generator's controls are an admin's (SPEC §15): the operator signs in first.
  const admin = firstAdmin();
  await signIn(page, admin.email, admin.password);

  // Empty database: the page says how to get data in.
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await expect(page.getByTestId('empty-state')).toContainText('Generator');

  // A station registered before it reports: the stations page lists it, never seen yet.
  const roofToken = await registerRoof();
  await mainNav(page).getByRole('link', { name: 'Stations' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Stations');
  const roofEntry = page.getByTestId('registry-station').filter({ hasText: ROOF.name });
  await expect(roofEntry).toContainText(ROOF.id);
  await expect(roofEntry.getByTestId('registry-last-seen')).toHaveText('never seen');
  await expect(page.getByTestId('registry-credential').filter({ hasText: ROOF.name })).toHaveCount(
    2,
  );
  await mainNav(page).getByRole('link', { name: 'Overview' }).click();

  // Start the simulator from the page.
  const liveRun = page.getByTestId('generator-panel').getByRole('form', { name: 'Live run' });
  await liveRun.getByLabel('Stations').fill('5');
  await liveRun.getByLabel('Interval (s)').fill('1');
  await liveRun.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('generator-state')).toHaveText(/running/i);

  // Stations appear in the live table without a reload: the simulator's five and the
  // registered one, under its name and never seen until it reports.
  await expect(page.getByTestId('station-row').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('station-row')).toHaveCount(6, { timeout: 30_000 });
  await expect(page.getByTestId('health-consumer')).toContainText('up');
  const roofRow = page.getByTestId('station-row').filter({ hasText: ROOF.name });
  await expect(roofRow).toContainText(ROOF.id);
  const roofLastSeen = roofRow.getByRole('cell').nth(1);
  await expect(roofLastSeen).toHaveText('never');

  // Its first day of readings arrives; the row follows without a reload.
  const roofReadings = dayOfReadings(ROOF.id);
  await expect
    .poll(async () => (await postReadings(roofReadings, roofToken)).accepted, {
      timeout: 30_000,
    })
    .toBe(roofReadings.length);
  await expect(roofLastSeen).toHaveText(/ago|just now/);

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
  await expect(
    page
      .getByTestId('station-row')
      .filter({ hasNotText: ROOF.name })
      .locator('svg.sparkline')
      .first(),
  ).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: path.join(docs, 'overview.png'), fullPage: true });

  // The registered station's page: its name, id and place head it, and its day is charted.
  await roofRow.getByRole('link', { name: ROOF.name }).click();
  await expect(page).toHaveURL(/\/stations\/E2E-ROOF$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ROOF.name);
  await expect(page).toHaveTitle(`${ROOF.name} (${ROOF.id}) · Weather pipeline`);
  const facts = page.getByTestId('station-facts');
  for (const fact of [ROOF.id, '52.52° N, 13.40° E', '34 m', ROOF.timezone, ...ROOF.tags]) {
    await expect(facts).toContainText(fact);
  }
  await expect(page.getByText(ROOF.description)).toBeVisible();
  for (const chart of MEASUREMENT_CHARTS) {
    await expect(plotted(page.getByTestId(`chart-${chart}`))).toBeVisible();
  }
  await expect(page.getByTestId('reading-row').first()).toBeVisible();
  await page.screenshot({ path: path.join(docs, 'station.png'), fullPage: true });
  await mainNav(page).getByRole('link', { name: 'Overview' }).click();

  // A simulated station's page: every chart has plotted data, the raw table has rows.
  const firstStation = page
    .getByTestId('station-row')
    .filter({ hasNotText: ROOF.name })
    .first()
    .getByRole('link');
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
    'station_id,timestamp,temperature_c,humidity_pct,wind_speed_m_s,wind_direction_deg,wind_gust_m_s,pressure_hpa,precipitation_mm,dew_point_c,station_pressure_hpa,solar_radiation_w_m2,uv_index,rain_rate_mm_h,rain_counter_mm,battery_low,wind_chill_c,heat_index_c,feels_like_c,received_at,rain_counter_kind,qc',
  );
  expect(lines.length - 1).toBeGreaterThanOrEqual(Math.max(before, 1));
  expect(lines.length - 1).toBeLessThanOrEqual(after);
  expect(lines.slice(1).every((line) => line.split(',')[0] === stationId)).toBe(true);

  // Back to the overview: stop the generator; the status says so.
  await page.goto(baseUrl());
  await page.getByTestId('generator-panel').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('generator-state')).toHaveText(/stopped/i);

  // The stations page: the registered station seen now, its tokens by prefix only.
  await mainNav(page).getByRole('link', { name: 'Stations' }).click();
  await expect(roofEntry.getByTestId('registry-last-seen')).toHaveText(/ago|just now/);
  // Prefix, kind, owner, created, last used, revoked: the live token is not revoked, the old is.
  const roofCredentials = page.getByTestId('registry-credential').filter({ hasText: ROOF.name });
  const livePrefix = roofToken.slice(0, 12);
  await expect(
    roofCredentials.filter({ hasText: livePrefix }).getByTestId('credential-revoked'),
  ).toHaveText('no');
  await expect(
    roofCredentials.filter({ hasNotText: livePrefix }).getByTestId('credential-revoked'),
  ).toHaveText(/UTC$/);
  await expect(page.getByTestId('registry-station')).toHaveCount(6);
  await expect(page.getByTestId('registry-gateways')).toContainText(GATEWAY.name);
  expect(await page.content()).not.toContain(roofToken);
});
