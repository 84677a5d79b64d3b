import { expect, test } from 'vitest';
import { bundleMarketWeb } from './bundle.ts';
import { marketDescriptor } from './market.generated.ts';

test('the page bundle carries the generated client and no zod', async () => {
  const { script, styles, modules } = await bundleMarketWeb();
  expect(script).toContain(marketDescriptor.fingerprint);
  expect(modules).toContain('src/market.generated.ts');
  expect(modules.filter((file) => /node_modules\/(\.pnpm\/)?zod|market-contract/.test(file))).toEqual([]);
  expect(script).not.toMatch(/ZodError|\$ZodType/);
  expect(script.length).toBeLessThan(100_000);
  expect(styles).toContain('--up');
});
