import { fingerprint } from './fingerprint.ts';
import { streamDescriptors } from './stream-descriptors.ts';
import type { AnyContract, ContractDescriptor, ShapeOf } from './types.ts';

/** The run-time descriptor of a contract: paths, param names, event names and the fingerprint. */
export function toDescriptor<TContract extends AnyContract>(
  contract: TContract,
): ContractDescriptor<ShapeOf<TContract>> {
  return {
    kind: 'tidings.descriptor',
    fingerprint: fingerprint(contract),
    streams: streamDescriptors(contract) as ContractDescriptor<ShapeOf<TContract>>['streams'],
  };
}
