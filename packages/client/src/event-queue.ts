/** An async iterator fed by `push`, ended by `end` (with an error to throw, or none). */
export interface EventQueue<TItem> {
  push(item: TItem): void;
  end(error?: unknown): void;
  readonly iterator: AsyncIterableIterator<TItem, undefined>;
}

interface Waiter<TItem> {
  resolve(result: IteratorResult<TItem, undefined>): void;
  reject(error: unknown): void;
}

const DONE = { done: true, value: undefined } as const;

/** Creates a queue; `onReturn` runs once when the consumer stops early (`break`, `return()`). */
export function createEventQueue<TItem>(onReturn: () => void): EventQueue<TItem> {
  let items: TItem[] = [];
  let head = 0;
  let waiter: Waiter<TItem> | undefined;
  let ended = false;
  let failure: { error: unknown } | undefined;

  const take = (): TItem => {
    const item = items[head] as TItem;
    items[head++] = undefined as TItem;
    if (head === items.length) {
      items = [];
      head = 0;
    }
    return item;
  };

  const iterator: AsyncIterableIterator<TItem, undefined> = {
    next() {
      if (head < items.length) return Promise.resolve({ done: false, value: take() });
      if (failure) {
        const { error } = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (ended) return Promise.resolve(DONE);
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
      });
    },
    return() {
      if (!ended) {
        ended = true;
        onReturn();
      }
      items = [];
      head = 0;
      failure = undefined;
      waiter?.resolve(DONE);
      waiter = undefined;
      return Promise.resolve(DONE);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };

  return {
    push(item) {
      if (ended) return;
      if (waiter) {
        const current = waiter;
        waiter = undefined;
        current.resolve({ done: false, value: item });
      } else {
        items.push(item);
      }
    },
    end(error) {
      if (ended) return;
      ended = true;
      if (error !== undefined) failure = { error };
      if (waiter) {
        const current = waiter;
        waiter = undefined;
        if (failure) {
          failure = undefined;
          current.reject(error);
        } else current.resolve(DONE);
      }
    },
    iterator,
  };
}
