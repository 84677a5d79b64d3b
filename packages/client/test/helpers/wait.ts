import type { Subscription, SubscriptionEventMap } from '@tidings/client';
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
  return new Promise((resolve, reject) => {
    const listener = (event: SubscriptionEventMap<TEvents>[TName]) => {
      clearTimeout(timer);
      resolve(event);
    };
    const timer = setTimeout(() => {
      subscription.removeEventListener(type, listener);
      reject(new Error(`no "${type}" event within ${timeoutMs} ms (status ${subscription.status})`));
    }, timeoutMs);
    subscription.addEventListener(type, listener, { once: true });
  });
}

/** Collects `count` events of `type`; rejects after `timeoutMs` with what it has. */
export function collect<
  TEvents extends EventPayloads,
  TName extends keyof SubscriptionEventMap<TEvents> & string,
>(
  subscription: Subscription<TEvents>,
  type: TName,
  count: number,
  timeoutMs = 10_000,
): Promise<SubscriptionEventMap<TEvents>[TName][]> {
  const seen: SubscriptionEventMap<TEvents>[TName][] = [];
  return new Promise((resolve, reject) => {
    const listener = (event: SubscriptionEventMap<TEvents>[TName]) => {
      seen.push(event);
      if (seen.length < count) return;
      clearTimeout(timer);
      subscription.removeEventListener(type, listener);
      resolve(seen);
    };
    const timer = setTimeout(() => {
      subscription.removeEventListener(type, listener);
      reject(new Error(`saw ${seen.length} of ${count} "${type}" events within ${timeoutMs} ms`));
    }, timeoutMs);
    subscription.addEventListener(type, listener);
  });
}

/** Waits `ms` to check that something does NOT happen (never to wait for something that does). */
export function quietPeriod(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 10 ms until it returns true; rejects after `timeoutMs`. For state with no event to await. */
export async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
