export type { ContractDescriptor, ContractShape, StreamDescriptor } from '@tidings/contract';
export type { TidingsErrorCode, ValidationIssue } from '@tidings/contract/errors';
export {
  isTidingsError,
  TidingsContractError,
  TidingsError,
  TidingsValidationError,
} from '@tidings/contract/errors';
export { createClient } from './create-client.ts';
export { isTidingsHttpError, TidingsContractMismatchError, TidingsHttpError } from './errors.ts';
export type {
  EventSourceConstructorLike,
  EventSourceLike,
  MessageEventLike,
} from './event-source-transport.ts';
export type { FetchInit, FetchLike, ResponseLike } from './fetch-transport.ts';
export type {
  ClientOptions,
  EventPayloads,
  HeadersOption,
  LifecycleEvents,
  ListenerOptions,
  QueryValues,
  ReconnectOptions,
  StreamClient,
  StreamEvent,
  StreamShape,
  SubscribeOptions,
  Subscription,
  SubscriptionCloseEvent,
  SubscriptionErrorEvent,
  SubscriptionEventMap,
  SubscriptionGapEvent,
  SubscriptionOpenEvent,
  SubscriptionStatus,
  TidingsClient,
} from './types.ts';
