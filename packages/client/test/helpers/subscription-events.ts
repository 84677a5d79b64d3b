import type { Subscription, SubscriptionEventMap } from '@tidings/client';
import { collector } from '@tidings/test-kit/collector';
import { within } from '@tidings/test-kit/wait';
import type { EventPayloads } from '../../src/types.ts';

/** Resolves with the next `type` event of a subscription; rejects after `timeoutMs`. */
export function nextEvent<
  TEvents extends EventPayloads,
  TName extends keyof SubscriptionEventMap<TEvents> & string,
>(
  subscription: Subscription<TEvents>,
  type: TName,
  timeoutMs = 10_000,
): Promise<SubscriptionEventMap<TEvents>[TName]> {
  const controller = new AbortController();
  const next = new Promise<SubscriptionEventMap<TEvents>[TName]>((resolve) => {
    subscription.addEventListener(type, resolve, { once: true, signal: controller.signal });
  });
  const waited = within(next, timeoutMs, () => `a "${type}" event (status ${subscription.status})`);
  waited.catch(() => controller.abort());
  return waited;
}

/** Collects `count` events of `type`; rejects after `timeoutMs` with how many it saw. */
export async function collect<
  TEvents extends EventPayloads,
  TName extends keyof SubscriptionEventMap<TEvents> & string,
>(
  subscription: Subscription<TEvents>,
  type: TName,
  count: number,
  timeoutMs = 10_000,
): Promise<SubscriptionEventMap<TEvents>[TName][]> {
  const seen = collector<SubscriptionEventMap<TEvents>[TName]>();
  const controller = new AbortController();
  subscription.addEventListener(type, seen.push, { signal: controller.signal });
  try {
    return (await seen.until(count, timeoutMs)).slice(0, count);
  } finally {
    controller.abort();
  }
}
