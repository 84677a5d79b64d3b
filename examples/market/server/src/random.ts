/** A seeded pseudo-random source, so a simulated market can be replayed exactly. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** A standard normal deviate. */
  gaussian(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<TItem>(items: readonly TItem[]): TItem;
}

/** Mulberry32: tiny, fast and good enough for a demo feed. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    gaussian() {
      // Box–Muller; 1 - next() is in (0, 1], so the log is finite.
      return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    },
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1));
    },
    pick(items) {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError('market-server: pick() needs a non-empty list.');
      return item;
    },
  };
}
