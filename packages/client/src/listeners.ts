import type { ListenerOptions } from './types.ts';

type Listener<TEvent> = (event: TEvent) => void;

/** Typed listeners by event name, with `EventTarget` semantics: a listener added twice runs once. */
export interface ListenerRegistry<TEvent extends { readonly type: string }> {
  add(type: string, listener: Listener<TEvent>, options?: ListenerOptions): void;
  remove(type: string, listener: Listener<TEvent>): void;
  /** Calls every listener of `event.type`; one that throws is reported and does not stop the others. */
  dispatch(event: TEvent): void;
  clear(): void;
}

interface Entry {
  readonly once: boolean;
  readonly detach: (() => void) | undefined;
}

function report(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/** Creates an empty registry. */
export function createListenerRegistry<TEvent extends { readonly type: string }>(): ListenerRegistry<TEvent> {
  const byType = new Map<string, Map<Listener<TEvent>, Entry>>();

  const remove = (type: string, listener: Listener<TEvent>) => {
    const entries = byType.get(type);
    const entry = entries?.get(listener);
    if (!entries || !entry) return;
    entries.delete(listener);
    entry.detach?.();
  };

  return {
    add(type, listener, options) {
      const signal = options?.signal;
      if (signal?.aborted) return;
      let entries = byType.get(type);
      if (!entries) {
        entries = new Map();
        byType.set(type, entries);
      }
      if (entries.has(listener)) return;
      const onAbort = () => remove(type, listener);
      signal?.addEventListener('abort', onAbort, { once: true });
      entries.set(listener, {
        once: options?.once === true,
        detach: signal ? () => signal.removeEventListener('abort', onAbort) : undefined,
      });
    },
    remove,
    dispatch(event) {
      const entries = byType.get(event.type);
      if (!entries || entries.size === 0) return;
      for (const [listener, entry] of [...entries]) {
        if (entries.get(listener) !== entry) continue;
        if (entry.once) remove(event.type, listener);
        try {
          listener(event);
        } catch (error) {
          report(error);
        }
      }
    },
    clear() {
      for (const entries of byType.values()) for (const entry of entries.values()) entry.detach?.();
      byType.clear();
    },
  };
}
