/**
 * Regenerates `examples/market/screenshot.png` for the README:
 * `pnpm --filter @acme/market-server screenshot`. Needs Chromium (see scripts/ensure-chromium.sh).
 */
import { fileURLToPath } from 'node:url';
import { chromiumResource } from '@tidings/test-kit/chromium';
import { startMarketServer } from './market-server.ts';

const out = fileURLToPath(new URL('../../screenshot.png', import.meta.url));
const seconds = Number(process.env['SCREENSHOT_AFTER_S'] ?? 20);

await using server = await startMarketServer({
  feed: { intervalMs: 300, noticeChance: 0.05, haltChance: 0.004 },
});
await using chromium = await chromiumResource({
  viewport: { width: 1280, height: 800 },
  colorScheme: 'dark',
});
const page = await chromium.newPage();
await page.goto(`${server.url}/?symbols=ACME,NOVA,ORBIT,ZEPHR`);
await page.locator('tr[data-symbol="ZEPHR"][data-quotes]').waitFor();
// Let the chart, the tape and the announcements fill up.
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
await page.screenshot({ path: out });
console.log(`Wrote ${out}`);
