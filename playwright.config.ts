import { availableParallelism } from 'node:os';
import { defineConfig, devices } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4173);

/**
 * End-to-end tests run against the exported out/ folder, served as a static host would,
 * in Debian's Chromium: Playwright cannot download its own browser on these machines.
 */
export default defineConfig({
  testDir: 'tests',
  // Every test opens its own page against a static server, so tests spread over the cores;
  // one worker left a 2-core CI machine half idle.
  fullyParallel: true,
  workers: availableParallelism(),
  retries: 0,
  // Generous: the machines running CI are small and sometimes busy; nothing here is timed.
  expect: { timeout: 10_000 },
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'off',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: ['--disable-gpu', '--disable-dev-shm-usage'],
        },
      },
    },
  ],
  webServer: {
    command: 'node scripts/serve.mjs',
    env: { PORT: String(port), HOST: '127.0.0.1' },
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
