import type { StreamDescriptor } from '@tidings/contract';
import { TidingsContractError } from '@tidings/contract/errors';
import { fillPath } from '@tidings/contract/wire';
import type { QueryValues } from './types.ts';

function encodeQuery(query: QueryValues): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  return search.toString();
}

/**
 * The URL of one topic: the base URL, the stream's path with each `:param` filled in (URL-encoded,
 * so a value can never add a path segment), and the query string.
 */
export function topicUrl(
  baseUrl: string,
  stream: string,
  descriptor: StreamDescriptor,
  params: Readonly<Record<string, unknown>>,
  query: QueryValues | undefined,
): string {
  const path = fillPath(descriptor.path, (name) => {
    const value = params[name];
    const text = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
    if (text === '' || text === '.' || text === '..') {
      throw new TidingsContractError(
        `@tidings/client: stream "${stream}" needs param "${name}" for "${descriptor.path}" (a non-empty string, not "." or ".."), got ${JSON.stringify(value) ?? 'undefined'}.`,
      );
    }
    return encodeURIComponent(text);
  });
  const search = query ? encodeQuery(query) : '';
  return `${baseUrl.replace(/\/+$/, '')}${path}${search ? `?${search}` : ''}`;
}
