export type {
  HookStatus,
  StreamHookOptions,
  StreamParams,
  SubscriptionState,
  UseEventsOptions,
  UseLatestOptions,
  UseSubscriptionOptions,
} from './types.ts';
export { useEvents } from './use-events.ts';
export { useLatest } from './use-latest.ts';
export { useSubscription } from './use-subscription.ts';
