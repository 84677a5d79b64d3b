import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Where the browser tests find Chromium: `CHROMIUM_PATH`, else Debian's package. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** The flags every browser test runs Chromium with: headless, sandbox-free for containers, and quiet. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

type LaunchOptions = NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>;

/** Context options a test may set (viewport, color scheme, …); the executable, flags and headless mode are the kit's. */
export type ChromiumOptions = Omit<LaunchOptions, 'executablePath' | 'headless' | 'args'>;

/** Headless Chromium on a fresh profile; disposing it closes the browser and deletes the profile. */
export interface ChromiumResource extends AsyncDisposable {
  readonly context: BrowserContext;
  /** Opens a page in the context. */
  newPage(): Promise<Page>;
}

/** Launches headless Chromium (`CHROMIUM_PATH`) with a fresh profile folder under the OS temp dir. */
export async function chromiumResource(options: ChromiumOptions = {}): Promise<ChromiumResource> {
  const profile = await mkdtemp(join(tmpdir(), 'tidings-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      timeout: 30_000,
      ...options,
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    newPage: () => context.newPage(),
    async [Symbol.asyncDispose]() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
