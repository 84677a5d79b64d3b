import { changes } from './wait.ts';

/** Collects items pushed from a callback (broker events, subscription events) and lets a test await a count. */
export interface Collector<TItem> {
  /** Everything pushed so far, in order. */
  readonly items: TItem[];
  /** Records one item; pass it as the callback. */
  readonly push: (item: TItem) => void;
  /** Resolves with the items once there are at least `count`; rejects after `timeoutMs`. */
  until(count: number, timeoutMs?: number): Promise<TItem[]>;
  /** Resolves with the items once `check` holds (re-checked on every push); rejects after `timeoutMs`. */
  when(check: (items: readonly TItem[]) => boolean, label: string, timeoutMs?: number): Promise<TItem[]>;
}

/** Creates an empty collector. */
export function collector<TItem>(): Collector<TItem> {
  const items: TItem[] = [];
  const changed = changes();
  return {
    items,
    push(item) {
      items.push(item);
      changed.notify();
    },
    async until(count, timeoutMs = 10_000) {
      await changed.until(
        () => items.length >= count,
        () => `${count} items (got ${items.length})`,
        timeoutMs,
      );
      return items;
    },
    async when(check, label, timeoutMs = 10_000) {
      await changed.until(
        () => check(items),
        () => `${label} (${items.length} items)`,
        timeoutMs,
      );
      return items;
    },
  };
}
