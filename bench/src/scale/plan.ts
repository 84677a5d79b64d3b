import type { Endpoint } from '../shared/protocol.ts';
import { tickerPath } from '../shared/topics.ts';

/**
 * Connections bound to one source address at most. Linux gives a `bind()` with `SO_REUSEADDR`
 * (libuv sets it) a port from the odd ports of the lower half of `ip_local_port_range` first
 * (about 7,000 here) and leaves the even ports to plain `connect()`, so staying under that keeps
 * every other process on the machine able to connect while the scale run holds its sockets.
 */
export const CONNECTIONS_PER_SOURCE = 6_000;

/** Where every scale server serves the ticker stream (as the `tidings` bench target does). */
export const SCALE_PREFIX = '/streams';

/** `total` split into `parts` shares as equal as can be, the larger ones first. */
export function shareOut(total: number, parts: number): number[] {
  if (!Number.isInteger(total) || total < 0 || !Number.isInteger(parts) || parts < 1) {
    throw new Error(`@tidings/bench: cannot share ${total} out over ${parts} parts`);
  }
  const base = Math.floor(total / parts);
  const extra = total % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * The loopback source addresses of each load generator: disjoint lists (`127.0.0.10` up, so none
 * is 127.0.0.1, which the servers and everything else on the machine use), each address carrying
 * at most `perSource` of that load generator's connections.
 */
export function sourceAddresses(
  connectionsPerLoadgen: readonly number[],
  perSource = CONNECTIONS_PER_SOURCE,
): string[][] {
  let next = 10;
  return connectionsPerLoadgen.map((connections) => {
    const count = Math.max(1, Math.ceil(connections / perSource));
    const list: string[] = [];
    for (let i = 0; i < count; i++) {
      const n = next++;
      if (n > 254) throw new Error('@tidings/bench: more source addresses than 127.0.0.10–254 offer');
      list.push(`127.0.0.${n}`);
    }
    return list;
  });
}

/** The symbol of topic `index`: three or more capital letters (`AAA`, `AAB`, …), as the params schema wants. */
export function topicSymbol(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= 26 ** 5) {
    throw new Error(`@tidings/bench: no topic symbol for index ${index}`);
  }
  let n = index;
  let symbol = '';
  for (let i = 0; i < 3 || n > 0; i++) {
    symbol = String.fromCharCode(65 + (n % 26)) + symbol;
    n = Math.floor(n / 26);
  }
  return symbol;
}

/** The first `count` topic symbols. */
export function topicSymbols(count: number): string[] {
  return Array.from({ length: count }, (_, i) => topicSymbol(i));
}

/**
 * What client `i` of a scale run opens: `shapes[i % shapes.length]`, topic-major: the first
 * `topics` shapes are every topic on instance 0, the next every topic on instance 1, and so on,
 * so consecutive clients cover every topic and every instance gets as many clients of each topic.
 */
export function scaleShapes(
  ports: readonly number[],
  symbols: readonly string[],
  prefix: string,
): Endpoint[][] {
  if (ports.length === 0 || symbols.length === 0) throw new Error('@tidings/bench: no instance or no topic');
  const shapes: Endpoint[][] = [];
  for (const port of ports) {
    for (const symbol of symbols) shapes.push([{ port, path: tickerPath(prefix, symbol) }]);
  }
  return shapes;
}

/**
 * The shapes a load generator gets when its first client is global client `offset`: the list
 * rotated, so that its client `i` opens what global client `offset + i` would.
 */
export function rotate<TItem>(list: readonly TItem[], offset: number): TItem[] {
  if (list.length === 0) return [];
  const at = ((offset % list.length) + list.length) % list.length;
  return [...list.slice(at), ...list.slice(0, at)];
}
