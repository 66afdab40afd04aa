import path from 'node:path';
import { expect, test } from '@playwright/test';
import { issueToken } from '@weather/core/tokens';
import { addCredential, createDb, registerStation } from '@weather/db';
import { baseUrl, docs, firstAdmin, plotted, setupVar, signIn } from './helpers';

/** An Ecowitt console, registered with a station token as an operator does before pointing it here. */
const CONSOLE = { id: 'E2E-ECOWITT', name: 'Garden console' };

async function registerConsole(): Promise<string> {
  const { db, close } = createDb({ url: setupVar('E2E_DATABASE_URL'), max: 1 });
  try {
    await registerStation(db, CONSOLE.id, { name: CONSOLE.name, tags: ['ecowitt'] });
    const { token, prefix, hash } = issueToken('station');
    await addCredential(db, { kind: 'station', ownerId: CONSOLE.id, prefix, hash });
    return token;
  } finally {
    await close();
  }
}

/** `dateutc` as the firmware writes it: "2026-05-01 12:00:00", UTC. */
const dateutc = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');

/**
 * One upload as a GW1100 gateway sends it with "Customized" set to protocol Ecowitt: a form POST
 * to /data/report/<token>/ with its PASSKEY (a secret, never stored) and its own keys.
 */
async function postEcowitt(token: string, fields: Record<string, string>) {
  const res = await fetch(`${setupVar('E2E_COLLECTOR_URL')}/data/report/${token}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      PASSKEY: 'A1B2C3D4E5F60718293A4B5C6D7E8F90',
      stationtype: 'GW1100A_V2.3.4',
      model: 'GW1100A',
      ...fields,
    }).toString(),
  });
  return res.status;
}

test('a station on Ecowitt firmware: its charts only, its last raw upload field by field', async ({
  page,
}) => {
  const token = await registerConsole();
  // Twelve uploads, 20 minutes apart, ending a few minutes ago: all inside the default 24 hours.
  // No wind sensor; a PM2.5 sensor the catalogue has no measurement for.
  const step = 20 * 60_000;
  const last = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
  const upload = (i: number) => {
    const t = last - (11 - i) * step;
    const newest = i === 11;
    return postEcowitt(token, {
      dateutc: dateutc(t),
      tempf: (59 + i * 0.8).toFixed(1),
      humidity: String(70 - i),
      // The newest upload's sea-level pressure is garbage (a console's calibration slip): it is
      // stored as missing with a range flag, and the rest of the upload is kept.
      baromrelin: newest ? '50.00' : (29.9 + i * 0.01).toFixed(2),
      baromabsin: (29.5 + i * 0.01).toFixed(2),
      solarradiation: (120 + 40 * i).toFixed(1),
      uv: String(Math.min(1 + Math.floor(i / 2), 6)),
      pm25_ch1: '8',
      // The outdoor sensor's battery runs low for the last three uploads (Ecowitt: 1 = low).
      wh65batt: i >= 9 ? '1' : '0',
    });
  };
  // Written straight into the database, the token reaches the collector with its next
  // registry reload (every 30 s; the CLI and the dashboard also notify it through Redis).
  await expect.poll(() => upload(0), { timeout: 45_000 }).toBe(200);
  for (let i = 1; i < 12; i++) expect(await upload(i)).toBe(200);

  // The consumer stores them; the REST view of the last upload follows.
  const lastUploadUrl = `${baseUrl()}/api/weather/last-upload/${CONSOLE.id}`;
  await expect
    .poll(
      async () => {
        const res = await page.request.get(lastUploadUrl);
        const body = (await res.json()) as { upload: { timestamp: string } | null };
        return body.upload?.timestamp ?? null;
      },
      { timeout: 30_000 },
    )
    .toBe(new Date(last).toISOString());

  await page.goto(`${baseUrl()}/stations/${CONSOLE.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(CONSOLE.name);

  // Charts for what it sends (and the dew point derived from it), none for what it does not.
  for (const chart of [
    'temperature',
    'humidity',
    'pressure',
    'station_pressure',
    'dew_point',
    'solar_radiation',
    'uv_index',
    'battery_low',
  ]) {
    await expect(plotted(page.getByTestId(`chart-${chart}`))).toBeVisible();
  }
  await expect(page.getByTestId('chart-battery_low')).toContainText('share of readings');
  for (const absent of ['wind_speed', 'wind_gust', 'wind_direction', 'precipitation']) {
    await expect(page.getByTestId(`chart-${absent}`)).toHaveCount(0);
  }

  // The latest values: the derived dew point and the dropped pressure are marked as such.
  const pressure = page.getByTestId('latest-pressure');
  await expect(pressure).toContainText('out of range, dropped');
  await expect(pressure.locator('.qc-mark')).toHaveAttribute('title', /accepted range/);
  await expect(page.getByTestId('latest-dew_point')).toContainText('derived');
  await expect(page.getByTestId('latest-solar_radiation')).toContainText('560 W/m²');
  await expect(page.getByTestId('latest-battery_low')).toHaveText('battery low');

  // The last raw upload: protocol and times, every field with what it became.
  const panel = page.getByTestId('last-upload');
  await expect(panel.getByRole('heading', { name: 'Last raw upload' })).toBeVisible();
  await expect(page.getByTestId('last-upload-meta')).toContainText('Ecowitt');
  await expect(page.getByTestId('last-upload-meta')).toContainText(dateutc(last).slice(0, 16));
  const field = (key: string) => panel.locator(`[data-testid="upload-field"][data-field="${key}"]`);
  await expect(field('tempf')).toContainText('67.8');
  await expect(field('tempf')).toContainText('Temperature 19.9 °C');
  await expect(field('tempf')).toContainText('from °F');
  await expect(field('solarradiation')).toContainText('Solar radiation 560 W/m²');
  await expect(field('uv')).toContainText('UV index 6.0');
  await expect(field('wh65batt')).toContainText('battery low');
  await expect(field('wh65batt')).toContainText('1 = low, 0 = OK');
  await expect(field('pm25_ch1')).toContainText('not stored');
  await expect(field('pm25_ch1')).toContainText('no measurement for this key (kept raw)');
  await expect(field('baromrelin')).toContainText('out of range: 1693.2 hPa');
  await expect(field('stationtype')).toContainText('about the upload');
  // The secret never reaches the page.
  await expect(field('PASSKEY')).toHaveCount(0);
  await expect(page.getByTestId('last-upload-qc')).toContainText(
    'Pressure out of range, dropped · Dew point derived',
  );

  await page.screenshot({ path: path.join(docs, 'station-protocols.png'), fullPage: true });
});

test('the simulator in Ecowitt mode, started from the dashboard, feeds a station page', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const admin = firstAdmin();
  await signIn(page, admin.email, admin.password);
  const liveRun = page.getByTestId('generator-panel').getByRole('form', { name: 'Live run' });
  await liveRun.getByLabel('Stations').fill('2');
  await liveRun.getByLabel('Interval (s)').fill('1');
  await liveRun.getByLabel('Uploads as').selectOption({ label: 'Ecowitt' });
  await liveRun.getByRole('button', { name: /Start|Restart/ }).click();
  await expect(page.getByTestId('generator-state')).toHaveText(/running/i);

  // SIM-001 uploads as an Ecowitt gateway does: its page shows its solar and UV charts and the
  // last raw upload, field by field.
  const lastUploadUrl = `${baseUrl()}/api/weather/last-upload/SIM-001`;
  await expect
    .poll(
      async () => {
        const res = await page.request.get(lastUploadUrl);
        const body = (await res.json()) as { upload: { protocol: string } | null };
        return body.upload?.protocol ?? null;
      },
      { timeout: 60_000 },
    )
    .toBe('ecowitt');
  await page.goto(`${baseUrl()}/stations/SIM-001`);
  for (const chart of ['solar_radiation', 'uv_index', 'temperature']) {
    await expect(plotted(page.getByTestId(`chart-${chart}`))).toBeVisible({ timeout: 30_000 });
  }
  await expect(page.getByTestId('last-upload-meta')).toContainText('Ecowitt');
  const field = (key: string) => page.locator(`[data-testid="upload-field"][data-field="${key}"]`);
  await expect(field('tempf')).toContainText('from °F');
  await expect(field('dailyrainin')).toBeVisible();

  await page.goto(baseUrl());
  await page.getByTestId('generator-panel').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('generator-state')).toHaveText(/stopped/i);
});
