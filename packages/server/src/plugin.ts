import type { Http2ServerRequest, Http2Session } from 'node:http2';
import {
  type AnyContract,
  type AnyStream,
  type NoParams,
  pathParams,
  type ValidationIssue,
  type ValidationOutcome,
} from '@tidings/contract';
import {
  CONTRACT_HEADER,
  CONTRACT_QUERY,
  HEARTBEAT_HEADER,
  LAST_EVENT_ID_QUERY,
  topicKey,
  validateWith,
} from '@tidings/contract/wire';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerBase,
  RouteGenericInterface,
} from 'fastify';
import type { RawResponse } from './connection.ts';
import type { Counters } from './counters.ts';
import { TidingsBrokerError, TidingsError } from './errors.ts';
import type { Fanout } from './fanout.ts';
import type {
  AuthorizeContext,
  HubOptions,
  HubPluginOptions,
  HubRequest,
  InvalidParamsBody,
} from './hub-types.ts';
import type { TopicConnection } from './topic.ts';

type Reply = FastifyReply<
  RouteGenericInterface,
  RawServerBase,
  RawRequestDefaultExpression<RawServerBase>,
  RawReplyDefaultExpression<RawServerBase>
>;

/** What the plugin needs from its hub. */
export interface PluginContext {
  readonly contract: AnyContract;
  readonly fingerprint: string;
  readonly fanout: Fanout;
  readonly counters: Counters;
  readonly options: HubOptions<AnyContract>;
  readonly heartbeatMs: number;
  readonly retryMs: number;
  readonly isClosed: () => boolean;
  readonly drain: () => Promise<void>;
  readonly close: () => Promise<void>;
}

/** Headers HTTP/2 forbids (connection-specific); a hook may have set them for HTTP/1.1. */
const HTTP1_ONLY = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);
const MAX_LOGGED_FINGERPRINTS = 1_000;

function jsonIssues(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.map((issue) => ({
    message: issue.message,
    path: (issue.path ?? []).map((part) => {
      const key = typeof part === 'object' && part !== null ? part.key : part;
      return typeof key === 'symbol' ? String(key) : key;
    }),
  }));
}

function invalid(reply: Reply, location: 'params' | 'query', issues: readonly ValidationIssue[]) {
  const body: InvalidParamsBody = { error: 'invalid_params', location, issues: jsonIssues(issues) };
  return reply.code(400).send(body);
}

function stringParamsOutcome(names: readonly string[], params: unknown): ValidationOutcome {
  const record = (params ?? {}) as Record<string, unknown>;
  const value: Record<string, string> = {};
  for (const name of names) {
    const param = record[name];
    if (typeof param !== 'string')
      return { ok: false, issues: [{ message: 'expected a string', path: [name] }] };
    value[name] = param;
  }
  return { ok: true, value };
}

/** One stream as its route serves it. */
interface RouteStream {
  readonly name: string;
  /** Index of the stream in the contract (for per-stream counts). */
  readonly index: number;
  readonly schema: AnyStream;
  readonly paramNames: readonly string[];
}

/**
 * Lets a cross-origin page read response headers the client needs (CORS exposes only a few by
 * default): added only when a CORS hook (`@fastify/cors`) allowed the origin, merged with what it exposes.
 */
function exposeHeaders(reply: Reply, name: string): void {
  if (reply.getHeader('access-control-allow-origin') === undefined) return;
  const current = reply.getHeader('access-control-expose-headers');
  const listed = typeof current === 'string' ? current : Array.isArray(current) ? current.join(', ') : '';
  const names = listed.split(',').map((part) => part.trim().toLowerCase());
  if (names.includes(name) || names.includes('*')) return;
  reply.header('access-control-expose-headers', listed === '' ? name : `${listed}, ${name}`);
}

/** The client's resume point: the `Last-Event-ID` header, else (a new `EventSource`) the `lastEventId` query param. */
function lastEventIdOf(request: HubRequest): string | undefined {
  const header = request.headers['last-event-id'];
  if (typeof header === 'string') return header;
  const fromQuery = (request.query as Record<string, unknown> | undefined)?.[LAST_EVENT_ID_QUERY];
  return typeof fromQuery === 'string' ? fromQuery : undefined;
}

/**
 * HTTP/1.1 pipelining: a stream request queued behind another response on the same socket. A
 * stream never ends, so a request behind one could never be answered, and a socket that queued
 * thousands would hold them (and their slots) until it closed. Browsers never pipeline; such a
 * client gets its connection closed, and the stream in front resumes on reconnect.
 */
function queuedBehindAnother(request: HubRequest, reply: Reply): boolean {
  if (request.raw.httpVersionMajor !== 1 || (reply.raw as unknown as RawResponse).socket) return false;
  reply.hijack();
  request.raw.socket.destroy();
  return true;
}

/** Builds `hub.plugin`: one `GET` route per stream, hooked to the hub's fan-out. */
export function createPlugin(hub: PluginContext): FastifyPluginAsync<HubPluginOptions, RawServerBase> {
  const { fanout, counters, options } = hub;
  const authorize = options.authorize as
    | ((context: AuthorizeContext<AnyContract>) => boolean | Promise<boolean>)
    | undefined;
  const rejectMismatch = options.onContractMismatch === 'reject';
  const retryAfter = String(Math.max(1, Math.ceil(hub.retryMs / 1000)));
  const logged = new Set<string>();
  /** HTTP/2 sessions that carry our streams: closed on app.close(), or Node < 24 waits for them to time out. */
  const sessions = new Set<Http2Session>();
  const trackSession = (request: HubRequest): void => {
    const session = (request.raw as Http2ServerRequest).stream?.session;
    if (session === undefined || sessions.has(session)) return;
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  };

  const unavailable = (reply: Reply) => {
    exposeHeaders(reply, 'retry-after');
    return reply
      .code(503)
      .header('retry-after', retryAfter)
      .send({ error: 'unavailable', retryAfter: Number(retryAfter) });
  };

  function checkContract(request: HubRequest, stream: string, query: Record<string, unknown>): boolean {
    const header = request.headers[CONTRACT_HEADER];
    const fromQuery = query[CONTRACT_QUERY];
    const received =
      typeof header === 'string' ? header : typeof fromQuery === 'string' ? fromQuery : undefined;
    if (received === undefined || received === hub.fingerprint) return true;
    counters.contractMismatches++;
    const shown = received.slice(0, 64);
    if (!logged.has(shown) && logged.size < MAX_LOGGED_FINGERPRINTS) {
      logged.add(shown);
      request.log.warn(
        { stream, expected: hub.fingerprint, received: shown },
        `@tidings/server: a client uses contract fingerprint "${shown}" but the server has "${hub.fingerprint}"; regenerate the client or deploy the same contract.`,
      );
    }
    return !rejectMismatch;
  }

  /** The params, by the stream's schema (or as strings when it has none); `null` when invalid (answered). */
  async function validateParams(
    stream: RouteStream,
    request: HubRequest,
    reply: Reply,
  ): Promise<object | null> {
    if (stream.paramNames.length === 0) return {} as NoParams;
    let outcome = stream.schema.params
      ? validateWith(stream.schema.params, request.params)
      : stringParamsOutcome(stream.paramNames, request.params);
    if (outcome instanceof Promise) outcome = await outcome;
    if (outcome.ok) return outcome.value as object;
    await invalid(reply, 'params', outcome.issues);
    return null;
  }

  /** The query, by the stream's schema, without the params Tidings reads itself; `null` when invalid (answered). */
  async function validateQuery(stream: RouteStream, rawQuery: Record<string, unknown>, reply: Reply) {
    const schema = stream.schema.query;
    if (!schema) return {};
    let input = rawQuery;
    if (Object.hasOwn(rawQuery, CONTRACT_QUERY) || Object.hasOwn(rawQuery, LAST_EVENT_ID_QUERY)) {
      const { [CONTRACT_QUERY]: _contract, [LAST_EVENT_ID_QUERY]: _lastEventId, ...rest } = rawQuery;
      input = rest;
    }
    let outcome = validateWith(schema, input);
    if (outcome instanceof Promise) outcome = await outcome;
    if (outcome.ok) return outcome.value as object;
    await invalid(reply, 'query', outcome.issues);
    return null;
  }

  /** Attaches the request to its topic and waits for the topic's broker subscription. */
  async function open(stream: RouteStream, request: HubRequest, reply: Reply, params: object) {
    const conn = fanout.connect({
      req: request.raw,
      res: reply.raw as unknown as RawResponse,
      stream: stream.index,
      key: topicKey(stream.name, params as Record<string, unknown>),
      history: stream.schema.history,
    });
    try {
      await fanout.opened(conn);
    } catch (error) {
      fanout.detach(conn);
      throw new TidingsBrokerError(
        `@tidings/server: stream "${stream.name}": the broker could not subscribe to topic "${conn.topic.ref.key}": ${error instanceof Error ? error.message : String(error)}. The client retries; check the broker.`,
        { cause: error, statusCode: 503 },
      );
    }
    return conn;
  }

  /** Writes the stream's head and hands the connection to its topic (replay first when resuming). */
  function startStream(conn: TopicConnection, request: HubRequest, reply: Reply): void {
    const http2 = request.raw.httpVersionMajor === 2;
    const http11 = !http2 && request.raw.httpVersion === '1.1';
    exposeHeaders(reply, HEARTBEAT_HEADER);
    const headers: Record<string, string | number | readonly string[]> = {};
    for (const [key, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined && !(http2 && HTTP1_ONLY.has(key))) headers[key] = value;
    }
    headers['content-type'] = 'text/event-stream; charset=utf-8';
    headers['cache-control'] = 'no-cache, no-transform';
    headers['x-accel-buffering'] = 'no';
    headers[HEARTBEAT_HEADER] = String(hub.heartbeatMs);
    if (http2) trackSession(request);
    else if (http11) {
      headers['connection'] = 'keep-alive';
      // Declared here, not left to Node, so the fan-out can frame chunks itself.
      headers['transfer-encoding'] = 'chunked';
    }
    reply.hijack();
    conn.res.writeHead(200, headers);
    fanout.start(conn, lastEventIdOf(request), http11);
  }

  function route(app: FastifyInstance<RawServerBase>, stream: RouteStream): void {
    const { name } = stream;
    app.get(stream.schema.path, { exposeHeadRoute: false }, async (request, reply) => {
      if (queuedBehindAnother(request, reply)) return reply;
      if (!fanout.admission.admit()) return unavailable(reply);
      let admitted = true;
      try {
        const rawQuery = (request.query ?? {}) as Record<string, unknown>;
        if (!checkContract(request, name, rawQuery)) {
          return reply
            .code(409)
            .send({ error: 'contract_mismatch', expected: hub.fingerprint, stream: name });
        }
        const params = await validateParams(stream, request, reply);
        if (params === null) return reply;
        const query = await validateQuery(stream, rawQuery, reply);
        if (query === null) return reply;
        if (authorize) {
          const context = { request, stream: name, params, query } as AuthorizeContext<AnyContract>;
          if (!(await authorize(context))) return reply.code(403).send({ error: 'forbidden', stream: name });
        }
        admitted = false;
        const conn = await open(stream, request, reply, params);
        if (conn.state === 'closed') {
          // The client left (or the hub closed) while the subscription was being set up.
          reply.hijack();
          return reply;
        }
        if (fanout.admission.draining) {
          fanout.detach(conn);
          return unavailable(reply);
        }
        startStream(conn, request, reply);
        return reply;
      } finally {
        if (admitted) fanout.admission.release();
      }
    });
  }

  return async function tidingsPlugin(app) {
    if (hub.isClosed()) {
      throw new TidingsError(
        'HUB_CLOSED',
        '@tidings/server: hub.plugin was registered after hub.close(); create a new hub.',
      );
    }
    app.addHook('preClose', async () => {
      await hub.drain();
      for (const session of sessions) session.close();
    });
    app.addHook('onClose', async () => {
      await hub.close();
    });
    let index = 0;
    for (const [name, schema] of Object.entries(hub.contract.streams)) {
      route(app, { name, index: index++, schema, paramNames: pathParams(schema.path) });
    }
  };
}
