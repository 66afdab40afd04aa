import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { baseUrl, firstAdmin, mainNav, setupVar, signIn, signOut, userMenu } from './helpers';

const docs = path.resolve(import.meta.dirname, '../../../docs');

/** A station an admin registers from the stations page before it first reports. */
const GARDEN = {
  id: 'E2E-GARDEN',
  name: 'Herb garden',
  latitude: '48.14',
  longitude: '11.58',
  timezone: 'Europe/Berlin',
  tags: 'e2e, garden',
};

/** The viewer the admin creates on the users page (a fresh password per run). */
const VIEWER = {
  email: 'viewer@weather.local',
  name: 'Vera Viewer',
  password: randomBytes(12).toString('base64url'),
};

/** One reading, as a station posts it to the collector with its token (SPEC §3, §4, §12). */
async function postReading(token: string, stationId = GARDEN.id) {
  const res = await fetch(`${setupVar('E2E_COLLECTOR_URL')}/weather-data`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      station_id: stationId,
      // A new identity each try: a reading counts once (SPEC §3).
      timestamp: new Date().toISOString(),
      temperature: 17.5,
      humidity: 55,
    }),
  });
  return res.status;
}

/** Until the collectors have the registry change (within 5 s, SPEC §12), the answer differs. */
const expectIngestStatus = (token: string, status: number) =>
  expect
    .poll(() => postReading(token), { timeout: 20_000, intervals: [250, 500, 1000] })
    .toBe(status);

const generator = (page: Page) => page.getByTestId('generator-panel');
const gardenRow = (page: Page) =>
  page.getByTestId('registry-station').filter({ hasText: GARDEN.name });

test('operators: an admin manages stations, users and keys; a viewer and a visitor only read', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const admin = firstAdmin();

  // The sign-in page: a heading, labelled inputs, one answer for a wrong email or password.
  await page.goto(`${baseUrl()}/sign-in?next=${encodeURIComponent('/stations')}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  const signInForm = page.getByRole('form', { name: 'Sign in' });
  await signInForm.getByLabel('Email').fill(admin.email);
  await page.screenshot({ path: path.join(docs, 'sign-in.png') });
  await signInForm.getByLabel('Password').fill('not the password at all');
  await signInForm.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('sign-in-error')).toHaveText('Wrong email or password.');
  await signInForm.getByLabel('Email').fill('nobody@weather.local');
  await signInForm.getByLabel('Password').fill(admin.password);
  await signInForm.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('sign-in-error')).toHaveText('Wrong email or password.');
  await expect(signInForm.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');

  // Signed in as the first admin, back on the page that asked: the header says who and what.
  await signInForm.getByLabel('Email').fill(admin.email);
  await signInForm.getByLabel('Password').fill(admin.password);
  await signInForm.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${baseUrl()}/stations`);
  await expect(userMenu(page)).toContainText(admin.email);
  await expect(userMenu(page).getByTestId('user-role')).toHaveText('admin');
  await expect(userMenu(page).getByRole('link', { name: 'Users' })).toBeVisible();
  await expect(userMenu(page).getByRole('link', { name: 'API keys' })).toBeVisible();

  // Register a station with a name and a place.
  // A click that lands before the page has hydrated opens nothing: click until the form is open.
  const register = page.getByRole('form', { name: 'Register a station' });
  await expect(async () => {
    if (!(await register.isVisible())) {
      await page.getByRole('button', { name: 'Register a station' }).click();
    }
    await expect(register).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  await register.getByLabel('Station id').fill(GARDEN.id);
  await register.getByLabel('Name').fill(GARDEN.name);
  await register.getByLabel('Latitude (°)').fill(GARDEN.latitude);
  await register.getByLabel('Longitude (°)').fill(GARDEN.longitude);
  await register.getByLabel('Time zone').fill(GARDEN.timezone);
  await register.getByLabel('Tags').fill(GARDEN.tags);
  await register.getByRole('button', { name: 'Register station' }).click();
  await expect(page.getByTestId('notice-done')).toHaveText(
    `Registered ${GARDEN.name}. Issue it a token to send readings with.`,
  );
  await expect(gardenRow(page)).toContainText(GARDEN.id);
  await expect(gardenRow(page)).toContainText(GARDEN.timezone);
  await expect(gardenRow(page).getByTestId('registry-last-seen')).toHaveText('never seen');

  // A taken id is refused, and the form says so.
  await page.getByRole('button', { name: 'Register a station' }).click();
  await register.getByLabel('Station id').fill(GARDEN.id);
  await register.getByRole('button', { name: 'Register station' }).click();
  await expect(register.getByRole('alert')).toContainText('already registered');
  await register.getByRole('button', { name: 'Cancel' }).click();

  // Its token, shown once, with a warning.
  await gardenRow(page)
    .getByRole('button', { name: `Issue a token for ${GARDEN.name}` })
    .click();
  const issued = page.getByTestId('issued-token');
  await expect(issued).toContainText('shown this once');
  const token = await page.getByTestId('issued-token-value').inputValue();
  expect(token).toMatch(/^wxs_/);
  await expect(gardenRow(page)).toContainText('1 active');
  // And what to type into the station's own firmware, per protocol.
  const setup = issued.getByTestId('firmware-setup');
  await setup.getByText('Ecowitt', { exact: false }).click();
  await expect(setup).toContainText(`/data/report/${token}`);
  await setup.getByText('Weather Underground', { exact: false }).click();
  await expect(setup).toContainText('/weatherstation/updateweatherstation.php');

  // The station reports with it; the page follows without a reload.
  await expectIngestStatus(token, 202);
  await expect(gardenRow(page).getByTestId('registry-last-seen')).toHaveText(/ago|just now/, {
    timeout: 30_000,
  });
  await page.screenshot({ path: path.join(docs, 'stations-admin.png'), fullPage: true });
  await issued.getByRole('button', { name: 'I have stored it' }).click();
  await expect(issued).toHaveCount(0);
  expect(await page.content()).not.toContain(token);

  // Edit it; disable it (collectors refuse its readings), enable it again.
  await gardenRow(page)
    .getByRole('button', { name: `Edit ${GARDEN.name}` })
    .click();
  const edit = page.getByRole('form', { name: `Edit ${GARDEN.name}` });
  await expect(edit.getByLabel('Latitude (°)')).toHaveValue(GARDEN.latitude);
  await edit.getByLabel('Description').fill('Between the basil and the thyme');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('notice-done')).toHaveText(`Saved ${GARDEN.name}.`);
  await gardenRow(page)
    .getByRole('button', { name: `Disable ${GARDEN.name}` })
    .click();
  await expect(gardenRow(page).getByTestId('registry-state')).toHaveText('disabled');
  await expectIngestStatus(token, 403);
  await gardenRow(page)
    .getByRole('button', { name: `Enable ${GARDEN.name}` })
    .click();
  await expect(gardenRow(page).getByTestId('registry-state')).toHaveText('enabled');
  await expectIngestStatus(token, 202);

  // The overview lists it under its name; the admin has the generator's controls.
  await mainNav(page).getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByTestId('station-row').filter({ hasText: GARDEN.name })).toContainText(
    GARDEN.id,
  );
  await expect(generator(page).getByRole('button', { name: 'Start' })).toBeVisible();

  // An API key for a script: shown once with a curl example; it reads the query service until
  // it is revoked.
  await userMenu(page).getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('API keys');
  const createKey = page.getByRole('form', { name: 'Create an API key' });
  await createKey.getByLabel('Name').fill('nightly export');
  await createKey.getByRole('button', { name: 'Create key' }).click();
  const key = await page.getByTestId('created-api-key-value').inputValue();
  await expect(page.getByTestId('created-api-key')).toContainText(
    `curl -H "Authorization: Bearer ${key}" http://`,
  );
  const keyRow = page.getByTestId('api-key-row').filter({ hasText: 'nightly export' });
  await expect(keyRow).toContainText(key.slice(0, 8));
  await expect(keyRow).toContainText('viewer');
  await expect(keyRow).toContainText(admin.email);
  const readWithKey = async () =>
    (
      await fetch(`${setupVar('E2E_QUERY_URL')}/stations`, {
        headers: { authorization: `Bearer ${key}` },
      })
    ).status;
  expect(await readWithKey()).toBe(200);
  await keyRow.getByRole('button', { name: /^Revoke/ }).click();
  await keyRow.getByRole('button', { name: /^Yes, revoke/ }).click();
  await expect(page.getByTestId('notice-done')).toContainText('Revoked nightly export');
  await expect(keyRow.getByRole('button', { name: /^Revoke/ })).toHaveCount(0);
  expect(await readWithKey()).toBe(401);

  // A viewer, made on the users page; the only admin cannot be made a viewer.
  await userMenu(page).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Users');
  const createUser = page.getByRole('form', { name: 'Create a user' });
  await createUser.getByLabel('Email').fill(VIEWER.email);
  await createUser.getByLabel('Name').fill(VIEWER.name);
  await createUser.getByLabel('Password').fill('too short');
  await createUser.getByRole('button', { name: 'Create user' }).click();
  // The browser's own check refuses a short password before anything is sent.
  expect(
    await createUser.getByLabel('Password').evaluate((el: HTMLInputElement) => el.checkValidity()),
  ).toBe(false);
  await expect(page.getByTestId('user-row').filter({ hasText: VIEWER.email })).toHaveCount(0);
  await createUser.getByLabel('Password').fill(VIEWER.password);
  await createUser.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByTestId('notice-done')).toContainText(`Created ${VIEWER.email} (viewer)`);
  const viewerRow = page.getByTestId('user-row').filter({ hasText: VIEWER.email });
  await expect(viewerRow).toContainText(VIEWER.name);
  await expect(viewerRow).toContainText('viewer');
  const adminRow = page.getByTestId('user-row').filter({ hasText: admin.email });
  await expect(adminRow).toContainText('(you)');
  await adminRow.getByRole('button', { name: `Make ${admin.email} viewer` }).click();
  await expect(page.getByTestId('notice-refused')).toContainText('only admin');
  await expect(adminRow).toContainText('admin');

  // Signed out: the controls are gone, sign-in is offered.
  await mainNav(page).getByRole('link', { name: 'Overview' }).click();
  // On the overview before signing out: signed out on /users, the page would send to sign-in.
  await expect(page).toHaveURL(`${baseUrl()}/`);
  await expect(page.getByRole('heading', { name: 'Fleet' })).toBeVisible();
  await signOut(page);
  await expect(generator(page).getByRole('button', { name: 'Start' })).toHaveCount(0);

  // The viewer reads everything and changes nothing.
  await signIn(page, VIEWER.email, VIEWER.password);
  await expect(userMenu(page).getByTestId('user-role')).toHaveText('viewer');
  await expect(userMenu(page).getByRole('link', { name: 'Users' })).toHaveCount(0);
  await expect(userMenu(page).getByRole('link', { name: 'API keys' })).toHaveCount(0);
  await expect(page.getByTestId('generator-state')).toBeVisible();
  await expect(page.getByTestId('generator-read-only')).toHaveText(
    'Only an admin can control the simulator.',
  );
  await expect(generator(page).getByRole('button')).toHaveCount(0);
  await expect(page.getByTestId('station-row').filter({ hasText: GARDEN.name })).toBeVisible();
  await mainNav(page).getByRole('link', { name: 'Stations' }).click();
  await expect(gardenRow(page)).toContainText(GARDEN.id);
  await expect(page.getByRole('button', { name: 'Register a station' })).toHaveCount(0);
  await expect(page.getByTestId('registry-stations').getByRole('button')).toHaveCount(0);
  await expect(page.getByTestId('registry-credentials').getByRole('button')).toHaveCount(0);
  // An admin page sends a viewer to the overview.
  await page.goto(`${baseUrl()}/users`);
  await expect(page).toHaveURL(`${baseUrl()}/`);
  await signOut(page);

  // A visitor (PUBLIC_READ=true): the read-only dashboard and a way to sign in.
  const visitor = await browser.newPage();
  await visitor.goto(baseUrl());
  await expect(userMenu(visitor).getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(visitor.getByTestId('station-row').filter({ hasText: GARDEN.name })).toBeVisible();
  await expect(visitor.getByTestId('generator-read-only')).toContainText(
    'Sign in as an admin to control the simulator.',
  );
  await expect(generator(visitor).getByRole('button')).toHaveCount(0);
  await visitor.goto(`${baseUrl()}/api-keys`);
  await expect(visitor).toHaveURL(`${baseUrl()}/sign-in?next=${encodeURIComponent('/api-keys')}`);
  // A sign-in link never leads off the site, whatever `next` says.
  await visitor.goto(`${baseUrl()}/sign-in?next=${encodeURIComponent('//evil.example/')}`);
  await visitor.getByLabel('Email').fill(admin.email);
  await visitor.getByLabel('Password').fill(admin.password);
  await visitor.getByRole('button', { name: 'Sign in' }).click();
  await expect(visitor).toHaveURL(`${baseUrl()}/`);
  await expect(userMenu(visitor)).toContainText(admin.email);

  // The admin removes the viewer again (asked once more first).
  await visitor.goto(`${baseUrl()}/users`);
  const viewerAgain = visitor.getByTestId('user-row').filter({ hasText: VIEWER.email });
  await viewerAgain.getByRole('button', { name: `Remove ${VIEWER.email}` }).click();
  await viewerAgain.getByRole('button', { name: `Yes, remove ${VIEWER.email}` }).click();
  await expect(visitor.getByTestId('notice-done')).toContainText(`Removed ${VIEWER.email}`);
  await expect(viewerAgain).toHaveCount(0);
  await visitor.close();
});

test('pages and API answers carry the security headers', async ({ request }) => {
  const page = await request.get(`${baseUrl()}/stations`);
  expect(page.status()).toBe(200);
  const api = await request.get(`${baseUrl()}/api/stations`);
  expect(api.status()).toBe(200);
  for (const res of [page, api]) {
    const headers = res.headers();
    expect(headers['content-security-policy'], res.url()).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options'], res.url()).toBe('nosniff');
    expect(headers['referrer-policy'], res.url()).toBeTruthy();
  }
});

test('too many sign-in attempts from one address are refused with how long to wait', async ({
  browser,
}) => {
  // One client address of its own (the server trusts the X-Forwarded-For its local proxy
  // sets), so the lockout it earns here touches no other test's sign-in.
  const context = await browser.newContext({
    extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.7' },
  });
  const page = await context.newPage();
  await page.goto(`${baseUrl()}/sign-in`);
  const form = page.getByRole('form', { name: 'Sign in' });
  const error = page.getByTestId('sign-in-error');
  // A different unknown email each time: the per-account limit (SPEC §15) stays out of it.
  let attempts = 0;
  const attempt = async () => {
    attempts += 1;
    await form.getByLabel('Email').fill(`nobody-${attempts}@weather.local`);
    await form.getByLabel('Password').fill('not a password of anyone');
    const [response] = await Promise.all([
      page.waitForResponse((res) => res.url().endsWith('/api/auth/sign-in/email')),
      form.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    await expect(error).toBeVisible();
    return response.status();
  };
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) statuses.push(await attempt());
  expect(statuses).toEqual(Array(10).fill(401));
  await expect(error).toHaveText('Wrong email or password.');
  expect(await attempt()).toBe(429);
  await expect(error).toHaveText(/^Too many sign-in attempts: wait \d+ s and try again\.$/);
  await context.close();

  // Everyone else still signs in.
  const other = await browser.newPage();
  const admin = firstAdmin();
  await signIn(other, admin.email, admin.password);
  await other.close();
});
