import type { CreateTarget } from './target.ts';

/** The targets `pnpm bench` knows. */
export type TargetName =
  | 'raw'
  | 'raw-each'
  | 'tidings'
  | 'tidings-metrics'
  | 'tidings-redis'
  | 'trpc'
  | 'better-sse'
  | 'tidings-mux'
  | 'tidings-10'
  | 'raw-proc'
  | 'tidings-proc'
  | 'trpc-proc';

/** How the orchestrator starts a target and how the report describes it. */
export interface TargetInfo {
  name: TargetName;
  label: string;
  /** Where validation happens, for the report's "validates" column. */
  validates: string;
  /** Server processes (the Redis target runs two instances; clients are split between them). */
  instances: number;
  needsRedis: boolean;
  /** Loads the target module (lazily, so a process only loads the library it serves). */
  load(): Promise<CreateTarget>;
}

export const TARGETS: Record<TargetName, TargetInfo> = {
  raw: {
    name: 'raw',
    label: 'raw node:http (frames of a turn in one write)',
    validates: 'no',
    instances: 1,
    needsRedis: false,
    load: async () => {
      const { createRawTarget } = await import('./raw.ts');
      return (options) => createRawTarget(options, false);
    },
  },
  'raw-each': {
    name: 'raw-each',
    label: 'raw node:http (one write per event)',
    validates: 'no',
    instances: 1,
    needsRedis: false,
    load: async () => {
      const { createRawTarget } = await import('./raw.ts');
      return (options) => createRawTarget(options, true);
    },
  },
  tidings: {
    name: 'tidings',
    label: 'Tidings, memory broker',
    validates: 'once per event',
    instances: 1,
    needsRedis: false,
    load: async () => (await import('./tidings.ts')).createTidingsTarget,
  },
  // Scenario A with metrics on (issue 18): the `tidings` target given an OpenTelemetry SDK.
  'tidings-metrics': {
    name: 'tidings-metrics',
    label: 'Tidings, memory broker, OpenTelemetry SDK (metrics on)',
    validates: 'once per event',
    instances: 1,
    needsRedis: false,
    load: async () => {
      const { createTidingsMetricsTarget } = await import('./tidings-metrics.ts');
      return (options) => createTidingsMetricsTarget(options);
    },
  },
  'tidings-redis': {
    name: 'tidings-redis',
    label: 'Tidings, Redis, 2 instances',
    validates: 'once per event',
    instances: 2,
    needsRedis: true,
    load: async () => (await import('./tidings.ts')).createTidingsTarget,
  },
  trpc: {
    name: 'trpc',
    label: 'tRPC v11 SSE subscription',
    validates: 'per client (zAsyncIterable)',
    instances: 1,
    needsRedis: false,
    load: async () => (await import('./trpc.ts')).createTrpcTarget,
  },
  'better-sse': {
    name: 'better-sse',
    label: 'better-sse channel',
    validates: 'no',
    instances: 1,
    needsRedis: false,
    load: async () => (await import('./better-sse.ts')).createBetterSseTarget,
  },
  // Scenario G: one server (the \`tidings\` hub, ten topics), two ways for a client to hold ten
  // subscriptions. Two targets rather than two modes of one: every result, table row, criterion,
  // \`--targets\` filter and failure is keyed by target, and each way gets its own fresh process.
  'tidings-mux': {
    name: 'tidings-mux',
    label: 'Tidings, 10 topics over one multiplexed connection per client',
    validates: 'once per event',
    instances: 1,
    needsRedis: false,
    load: async () => {
      const { createTidingsTopicsTarget } = await import('./tidings.ts');
      return (options) => createTidingsTopicsTarget(options, 'mux');
    },
  },
  'tidings-10': {
    name: 'tidings-10',
    label: 'Tidings, 10 topics over ten connections per client',
    validates: 'once per event',
    instances: 1,
    needsRedis: false,
    load: async () => {
      const { createTidingsTopicsTarget } = await import('./tidings.ts');
      return (options) => createTidingsTopicsTarget(options, 'separate');
    },
  },
  // Scenario H: streams served per connection, each by its own loop or generator.
  'raw-proc': {
    name: 'raw-proc',
    label: 'raw node:http, a write loop per connection',
    validates: 'no',
    instances: 1,
    needsRedis: false,
    load: async () => (await import('./raw-procedure.ts')).createRawProcedureTarget,
  },
  'tidings-proc': {
    name: 'tidings-proc',
    label: 'Tidings procedure (handler stream)',
    validates: 'every yield (contract schema)',
    instances: 1,
    needsRedis: false,
    load: async () => (await import('./tidings-procedure.ts')).createTidingsProcedureTarget,
  },
  'trpc-proc': {
    name: 'trpc-proc',
    label: 'tRPC v11 async-generator subscription',
    validates: 'every yield (zAsyncIterable)',
    instances: 1,
    needsRedis: false,
    load: async () => (await import('./trpc-procedure.ts')).createTrpcProcedureTarget,
  },
};

export function isTargetName(value: string): value is TargetName {
  return Object.hasOwn(TARGETS, value);
}
