/** A whole-segment path param: `:name`. */
export const PARAM_SEGMENT = /^:([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * The path with each whole-segment `:name` param replaced by `fill(name)`. The one place a path's
 * params are found: `pathParams`, `parsePath`, the server, the client and the code generator use it.
 */
export function fillPath(path: string, fill: (name: string) => string): string {
  return path
    .split('/')
    .map((segment) => {
      const param = PARAM_SEGMENT.exec(segment);
      return param ? fill(param[1]!) : segment;
    })
    .join('/');
}

/** The param names of a stream path, in order (`parsePath` also checks the path is valid). */
export function pathParams(path: string): string[] {
  const names: string[] = [];
  fillPath(path, (name) => {
    names.push(name);
    return '';
  });
  return names;
}
