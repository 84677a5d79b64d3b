export { TidingsBrokerError } from '@tidings/server';
export type {
  RedisBrokerBaseOptions,
  RedisBrokerClientOptions,
  RedisBrokerClusterOptions,
  RedisBrokerOptions,
  RedisBrokerUrlOptions,
} from './redis-broker.ts';
export { redisBroker } from './redis-broker.ts';
