import { fingerprint } from './fingerprint.ts';
import { pathParams } from './path.ts';
import type { AnyContract, ContractDescriptor, ShapeOf, StreamDescriptor } from './types.ts';

/** The run-time descriptor of a contract: paths, param names, event names and the fingerprint. */
export function toDescriptor<TContract extends AnyContract>(
  contract: TContract,
): ContractDescriptor<ShapeOf<TContract>> {
  const streams: Record<string, StreamDescriptor> = {};
  for (const [name, stream] of Object.entries(contract.streams)) {
    streams[name] = {
      path: stream.path,
      params: pathParams(stream.path),
      events: Object.keys(stream.events),
    };
  }
  return {
    kind: 'tidings.descriptor',
    fingerprint: fingerprint(contract),
    streams: streams as ContractDescriptor<ShapeOf<TContract>>['streams'],
  };
}
