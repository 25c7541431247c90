import { type Page, expect } from '@playwright/test';

/** Every image has a text alternative (empty for decoration) and every form field a label. */
export async function expectAltTextAndLabels(page: Page): Promise<void> {
  expect(await page.locator('img:not([alt])').count(), page.url()).toBe(0);
  const unlabeled = await page
    .locator('input')
    .evaluateAll((inputs) => inputs.filter((i) => !(i as HTMLInputElement).labels?.length && !i.getAttribute('aria-label')).length);
  expect(unlabeled, page.url()).toBe(0);
}
