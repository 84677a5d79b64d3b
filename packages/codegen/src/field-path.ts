/** `stream "a", event "b"` + `price` → `stream "a", event "b", field "price"`; nested fields join with dots. */
export function appendField(where: string, name: string): string {
  const match = /^(.*), field "(.*)"$/.exec(where);
  if (!match) return `${where}, field "${name}"`;
  const separator = name.startsWith('[') ? '' : '.';
  return `${match[1]}, field "${match[2]}${separator}${name}"`;
}
