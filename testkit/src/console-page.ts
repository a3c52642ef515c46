import type { BrowserContext, Page } from 'playwright-core';

/**
 * The people's console in a browser (server/console): a person signs in with their key and goes
 * online, as the README tells them to.
 */
export async function openConsole(context: BrowserContext, serverUrl: string, key: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') console.log(`[console] ${m.text()}`);
  });
  await page.goto(`${serverUrl}/dashboard/login?next=/dashboard/console`);
  await page.fill('input[name=key]', key);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL(/\/dashboard\/console$/);
  await page.locator('[data-testid=go-online]').click();
  await page.locator('#online-state').filter({ hasText: /Online/ }).waitFor({ timeout: 10_000 });
  return page;
}

/** Presses *Take call* on the chosen caller and waits until the person is live on the call. */
export async function takeCall(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.locator('[data-testid=take]').click();
  await page.locator('[data-testid=in-call][data-state=live]').waitFor({ timeout: timeoutMs });
}
