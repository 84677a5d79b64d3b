import { TidingsContractError } from '@tidings/contract';

const STREAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names tools probe on any object (promises, JSON, test matchers, React, inspectors). */
const PROBED = new Set([
  'then',
  'toJSON',
  'asymmetricMatch',
  'nodeType',
  'tagName',
  '_isMockFunction',
  'inspect',
]);

/**
 * A prototype for `hub.streams` that turns a read of a stream the contract does not declare into a
 * `TidingsContractError` (declared streams are own properties, so they never reach it).
 */
export function unknownStreamGuard(declared: readonly string[]): object {
  const list = declared.map((name) => `"${name}"`).join(', ');
  return new Proxy(Object.prototype, {
    get(target, property, receiver) {
      if (
        typeof property === 'string' &&
        STREAM_NAME.test(property) &&
        !PROBED.has(property) &&
        !(property in target)
      ) {
        throw new TidingsContractError(
          `@tidings/server: stream "${property}" is not in the contract (streams: ${list}). Add it to the contract or fix the name.`,
          { code: 'UNKNOWN_STREAM' },
        );
      }
      return Reflect.get(target, property, receiver);
    },
  });
}
