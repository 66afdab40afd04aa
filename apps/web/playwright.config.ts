import { defineConfig } from '@playwright/test';

// End-to-end in a real browser: Debian's Chromium (never a downloaded one), headless, against
// the built app and a real pipeline that e2e/global-setup.ts starts with an empty database.
export default defineConfig({
  testDir: './e2e',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  reporter: [['list']],
  globalSetup: './e2e/global-setup.ts',
  // One system for all files, so order matters (projects run in this order with one worker):
  // the dashboard story starts from an empty database, the others add to it.
  projects: [
    { name: 'dashboard', testMatch: 'dashboard.spec.ts' },
    { name: 'access', testMatch: 'access.spec.ts' },
    { name: 'others', testIgnore: ['dashboard.spec.ts', 'access.spec.ts'] },
  ],
  outputDir: 'test-results',
  use: {
    headless: true,
    viewport: { width: 1366, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // This machine's network is closed: no background fetches from the browser.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
