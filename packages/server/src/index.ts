export type { Broker, BrokerObserver, LiveGap, ReplayResult, StoredEvent, TopicRef } from './broker.ts';
export { createHub } from './create-hub.ts';
export type { TidingsErrorCode, TidingsErrorOptions } from './errors.ts';
export {
  isTidingsError,
  TidingsBrokerError,
  TidingsContractError,
  TidingsError,
  TidingsValidationError,
} from './errors.ts';
export type {
  AuthorizeContext,
  DrainOptions,
  EmitFunction,
  EventNamesOf,
  HandledStreamHandle,
  HandlerContext,
  HandlerEvent,
  HandlersFor,
  HasParams,
  Hub,
  HubHandlerOptions,
  HubOptions,
  HubPluginOptions,
  HubRequest,
  HubStats,
  HubStreams,
  InvalidParamsBody,
  StreamHandle,
  StreamHandler,
  StreamHandlers,
  SubscriberCountFunction,
} from './hub-types.ts';
export type { MemoryBroker, MemoryBrokerOptions } from './memory-broker.ts';
export { memoryBroker } from './memory-broker.ts';
