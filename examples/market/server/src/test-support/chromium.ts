import { type Browser, chromium } from 'playwright-core';

/** Where the browser tests find Chromium: `CHROMIUM_PATH`, else Debian's package. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** A headless Chromium, closed on dispose. */
export interface ChromiumHandle extends AsyncDisposable {
  readonly browser: Browser;
}

/**
 * Launches headless Chromium with a fresh profile (Playwright's `launch` creates a temporary
 * user-data-dir per browser and deletes it on close).
 */
export async function launchChromium(): Promise<ChromiumHandle> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async [Symbol.asyncDispose]() {
      await browser.close();
    },
  };
}
