/** Resolves like `promise`, or rejects once `timeoutMs` passes: every wait in a test is bounded. */
export function within<TValue>(
  promise: Promise<TValue>,
  timeoutMs: number,
  label: string | (() => string),
): Promise<TValue> {
  return new Promise<TValue>((resolve, reject) => {
    const timer = setTimeout(() => {
      const what = typeof label === 'string' ? label : label();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`));
    }, timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** A condition re-checked whenever the state it reads changes (`notify()`), instead of on a poll. */
export interface Changes {
  /** Call after every change of the state the waiters read. */
  notify(): void;
  /**
   * Resolves once `check()` returns true (checked now and on every `notify()`); rejects with what
   * `check` throws (a stream that ended, say), or once `timeoutMs` passes.
   */
  until(check: () => boolean, label: string | (() => string), timeoutMs: number): Promise<void>;
}

/** Creates the change signal that the kit's readers (SSE, sockets, collectors) await conditions on. */
export function changes(): Changes {
  const watchers = new Set<() => void>();
  return {
    notify() {
      for (const watcher of [...watchers]) watcher();
    },
    until(check, label, timeoutMs) {
      let watcher: (() => void) | undefined;
      const met = new Promise<void>((resolve, reject) => {
        watcher = () => {
          try {
            if (check()) resolve();
          } catch (error) {
            reject(error);
          }
        };
        watcher();
        watchers.add(watcher);
      });
      return within(met, timeoutMs, label).finally(() => {
        if (watcher) watchers.delete(watcher);
      });
    },
  };
}

/**
 * Lets `ms` pass, to show that something does NOT happen in that time; only for absence, where no
 * event can prove it (never to wait for something that does happen: await it instead).
 */
export function absenceWindow(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
