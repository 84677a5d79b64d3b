export { DEFAULT_HISTORY, RESERVED_EVENT_NAMES } from './constants.ts';
export { defineContract, isContract } from './define-contract.ts';
export type { StreamChecks, StreamConfig } from './define-stream.ts';
export { defineStream } from './define-stream.ts';
export { toDescriptor } from './descriptor.ts';
export type { TidingsErrorCode, TidingsErrorOptions, ValidationIssue } from './errors.ts';
export {
  describeIssues,
  formatIssuePath,
  isTidingsError,
  TidingsContractError,
  TidingsError,
  TidingsValidationError,
} from './errors.ts';
export type { EventIdGenerator, ParsedEventId } from './event-id.ts';
export { compareEventIds, createEventIdGenerator, parseEventId } from './event-id.ts';
export { canonicalJson, fingerprint } from './fingerprint.ts';
export type { ContractJsonSchema, JsonSchema, StreamJsonSchema } from './json-schema.ts';
export { jsonSchemaOf, toJsonSchema } from './json-schema.ts';
export type { PathParamNames } from './path.ts';
export { parsePath } from './path.ts';
export { pathParams } from './path-params.ts';
export type {
  AnySchema,
  InferInput,
  InferOutput,
  StandardSchemaV1,
} from './standard-schema.ts';
export { isStandardSchema } from './standard-schema.ts';
export { topicKey } from './topic-key.ts';
export type {
  AnyContract,
  AnyStream,
  Contract,
  ContractDescriptor,
  ContractShape,
  EventInputsOf,
  EventSchemas,
  EventsOf,
  EventUnion,
  NoParams,
  ParamsOf,
  QueryOf,
  ReservedEventName,
  ShapeOf,
  StreamDefinition,
  StreamDescriptor,
  StreamMap,
  StreamNames,
} from './types.ts';
export type { ValidationOutcome } from './validate.ts';
export { validateWith } from './validate.ts';
