import { DEFAULT_HISTORY } from '@tidings/contract';
import type { TopicRef } from '@tidings/server';

/** The Redis names one topic uses. */
export interface TopicKeys {
  /** The stream that holds the topic's history (`XADD`, `XRANGE`). */
  readonly events: string;
  /** A hash with the topic's first and last id in its current lifetime. */
  readonly meta: string;
  /** The pub/sub channel for live events. */
  readonly channel: string;
}

/**
 * Escapes `%`, `{` and `}` so a topic key can sit inside a Redis Cluster hash tag; injective,
 * so two topic keys never share Redis names.
 */
function escapeTag(key: string): string {
  return /[%{}]/.test(key) ? key.replace(/[%{}]/g, (ch) => `%${ch.charCodeAt(0).toString(16)}`) : key;
}

/**
 * The stream, meta hash and channel of a topic; the hash tag keeps all three in one cluster slot,
 * so a Lua script may touch both keys and publish on the shard channel.
 */
export function topicKeys(prefix: string, key: string): TopicKeys {
  // Redis ignores an empty tag (`{}`); a lone `%` is no escape's output, so it names only the empty key.
  const tagged = `${prefix}{${escapeTag(key) || '%'}}`;
  return { events: `${tagged}:events`, meta: `${tagged}:meta`, channel: `${tagged}:live` };
}

/** Events a topic keeps: its `history`, as a whole number ≥ 0. */
export function historyOf(topic: TopicRef): number {
  return Number.isFinite(topic.history) ? Math.max(0, Math.floor(topic.history)) : DEFAULT_HISTORY;
}
