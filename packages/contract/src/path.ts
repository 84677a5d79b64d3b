import { PARAM_SEGMENT } from './path-params.ts';

/**
 * The `:name` segments of a stream path, as a union of string literals.
 * `PathParamNames<'/ticker/:symbol/:venue'>` is `'symbol' | 'venue'`.
 */
export type PathParamNames<TPath extends string> = TPath extends `${string}:${infer Rest}`
  ? Rest extends `${infer Name}/${infer Tail}`
    ? Name | PathParamNames<`/${Tail}`>
    : Rest
  : never;

const LITERAL_SEGMENT = /^[A-Za-z0-9._~-]+$/;

/**
 * Parses a stream path and returns its param names in order, or a reason it is not a valid path.
 * Paths are `/`-separated literal segments (`[A-Za-z0-9._~-]`) and whole-segment `:name` params.
 */
export function parsePath(path: string): { ok: true; params: string[] } | { ok: false; reason: string } {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    return { ok: false, reason: `must be a string starting with "/" (got ${JSON.stringify(path)})` };
  }
  if (path === '/') return { ok: true, params: [] };
  const params: string[] = [];
  for (const segment of path.slice(1).split('/')) {
    const param = PARAM_SEGMENT.exec(segment);
    if (param) {
      const name = param[1]!;
      if (params.includes(name)) return { ok: false, reason: `repeats the param ":${name}"` };
      params.push(name);
    } else if (!LITERAL_SEGMENT.test(segment)) {
      return {
        ok: false,
        reason: `has the segment ${JSON.stringify(segment)}; use literal segments of [A-Za-z0-9._~-] or whole-segment ":name" params`,
      };
    }
  }
  return { ok: true, params };
}
