/** A contract whose payload type has no JSON form (a Date), through a hand-written Standard Schema. */
import { defineContract, defineStream, type StandardSchemaV1 } from '@tidings/contract';

const tick: StandardSchemaV1<{ at: Date }> = {
  '~standard': { version: 1, vendor: 'fixture', validate: (value) => ({ value: value as { at: Date } }) },
};

export const clock = defineContract({
  clock: defineStream({ path: '/clock', events: { tick } }),
});
