import { pathParams } from './path-params.ts';
import type { AnyContract, StreamDescriptor } from './types.ts';

/** Path, param names and event names of each stream of a contract: its descriptor, without the fingerprint. */
export function streamDescriptors(contract: AnyContract): Record<string, StreamDescriptor> {
  const streams: Record<string, StreamDescriptor> = {};
  for (const [name, stream] of Object.entries(contract.streams)) {
    streams[name] = {
      path: stream.path,
      params: pathParams(stream.path),
      events: Object.keys(stream.events),
    };
  }
  return streams;
}
