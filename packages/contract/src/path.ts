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
const PARAM_SEGMENT = /^:([A-Za-z_][A-Za-z0-9_]*)$/;

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

/** The param names of a stream path, in order; none for a path `parsePath` refuses. */
export function pathParams(path: string): string[] {
  const parsed = parsePath(path);
  return parsed.ok ? parsed.params : [];
}

/** The path with each whole-segment `:name` param replaced by `fill(name)`. */
export function fillPath(path: string, fill: (name: string) => string): string {
  return path
    .split('/')
    .map((segment) => {
      const param = PARAM_SEGMENT.exec(segment);
      return param ? fill(param[1]!) : segment;
    })
    .join('/');
}
