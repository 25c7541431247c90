// npm run screenshots: one PNG per page type, desktop and phone, light and dark, of the built
// site in out/, for reviewing a design change by eye. Written to screenshots/ (not committed);
// `--full` captures whole pages instead of the first screen.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { getCatalog } from '../lib/content';
import { chromiumPath } from './chromium-path';

const port = Number(process.env.SCREENSHOT_PORT ?? 4390);
const full = process.argv.includes('--full');
const dir = join(process.cwd(), 'screenshots');

// Page types, each represented by its first page in the catalog so the set follows the content.
const { patterns, registry } = getCatalog();
const pattern = patterns.find((p) => p.kind === 'pattern')!;
const antiPattern = patterns.find((p) => p.kind === 'anti-pattern');
const component = registry.components.find((c) => patterns.some((p) => p.components.includes(c.id)))!;
const pages: Record<string, string> = {
  home: '/',
  'a-z': '/patterns/',
  pattern: `/patterns/${pattern.slug}/`,
  ...(antiPattern ? { 'anti-pattern': `/patterns/${antiPattern.slug}/` } : {}),
  components: '/components/',
  component: `/components/${component.id}/`,
  'well-architected': '/well-architected/',
  coverage: '/well-architected/coverage/',
  about: '/about/',
  'not-found': '/no-such-page/',
};
const devices = {
  desktop: { viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 },
  phone: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

const server = spawn(process.execPath, ['scripts/serve.mjs'], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' }, stdio: 'ignore' });
const base = `http://127.0.0.1:${port}`;
try {
  await waitForServer(base);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--disable-gpu', '--disable-dev-shm-usage'] });
  let count = 0;
  for (const [device, options] of Object.entries(devices)) {
    for (const colorScheme of ['light', 'dark'] as const) {
      // "System" is the default theme, so the emulated scheme chooses it, as it would for a first visit.
      const context = await browser.newContext({ ...options, colorScheme });
      const page = await context.newPage();
      for (const [name, path] of Object.entries(pages)) {
        await page.goto(base + path, { waitUntil: 'networkidle' });
        await page.screenshot({ path: join(dir, `${name}-${device}-${colorScheme}.png`), fullPage: full });
        count++;
      }
      await context.close();
    }
  }
  await browser.close();
  console.log(`Screenshots: ${count} PNGs of ${Object.keys(pages).length} page types in screenshots/.`);
} finally {
  server.kill();
}

async function waitForServer(url: string) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`The site did not answer at ${url}; is out/ built ("npm run build")?`);
}
