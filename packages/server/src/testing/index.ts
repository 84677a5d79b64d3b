/** Test helpers for `Broker` implementations: `describeBroker` runs the conformance suite with vitest. */
export type { BrokerFixture, DescribeBrokerOptions } from './describe-broker.ts';
export { describeBroker } from './describe-broker.ts';
