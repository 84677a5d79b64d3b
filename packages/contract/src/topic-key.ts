const SAFE = /^[A-Za-z0-9_.~-]*$/;

/**
 * Escapes every UTF-16 code unit outside `[A-Za-z0-9_.~-]` as `%` and four hex digits.
 * Fixed width and `%` itself escaped, so the encoding is injective, handles lone surrogates
 * and never contains the separators `?`, `&`, `=`.
 */
export function escapeKeyPart(value: string): string {
  if (SAFE.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const code = value.charCodeAt(i);
    const safe =
      (code >= 48 && code <= 57) ||
      (code >= 65 && code <= 90) ||
      (code >= 97 && code <= 122) ||
      '_.~-'.includes(ch);
    out += safe ? ch : `%${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}

function keyValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `s${escapeKeyPart(value)}`;
    case 'number':
    case 'bigint':
      return `n${escapeKeyPart(String(value))}`;
    case 'boolean':
      return value ? 'b1' : 'b0';
    default:
      return `j${escapeKeyPart(JSON.stringify(value) ?? 'undefined')}`;
  }
}

/**
 * The canonical key of a topic: the stream name, then each param in sorted key order.
 * `topicKey('ticker', { symbol: 'ACME' })` is `ticker?symbol=sACME`. Distinct params never share a key.
 */
export function topicKey(stream: string, params: Readonly<Record<string, unknown>> | undefined): string {
  const names = params ? Object.keys(params).sort() : [];
  if (names.length === 0) return escapeKeyPart(stream);
  let key = `${escapeKeyPart(stream)}?`;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    key += `${i === 0 ? '' : '&'}${escapeKeyPart(name)}=${keyValue(params![name])}`;
  }
  return key;
}
