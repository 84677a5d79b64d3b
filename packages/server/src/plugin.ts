import type { Http2ServerRequest, Http2Session } from 'node:http2';
import { type AnyContract, pathParams } from '@tidings/contract';
import {
  CONTRACT_HEADER,
  CONTRACT_QUERY,
  EMPTY_POSITION,
  encodeMuxControl,
  HEARTBEAT_HEADER,
  LAST_EVENT_ID_QUERY,
  MULTIPLEX_PATH,
  SUBSCRIPTIONS_QUERY,
  topicKey,
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
import { type Framing, MUX, PLAIN } from './framing.ts';
import { MULTIPLEXED } from './hub-metrics.ts';
import type { HubOptions, HubPluginOptions, HubRequest } from './hub-types.ts';
import { checkList, parseSubscriptionList, refusalFrame } from './multiplex-route.ts';
import { type AnyHandler, runProcedure } from './procedure.ts';
import {
  type Authorize,
  appQuery,
  checkSubscription,
  type RouteStream,
  type SubscriptionCheck,
} from './subscription-checks.ts';
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
  readonly maxSubscriptionsPerConnection: number;
  /** Streams served by handlers, by name. */
  readonly handlers: ReadonlyMap<string, AnyHandler>;
  readonly isClosed: () => boolean;
  readonly drain: () => Promise<void>;
  readonly close: () => Promise<void>;
}

/** Headers HTTP/2 forbids (connection-specific); a hook may have set them for HTTP/1.1. */
const HTTP1_ONLY = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);
const MAX_LOGGED_FINGERPRINTS = 1_000;

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
  const authorize = options.authorize as Authorize | undefined;
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

  function checkContract(
    request: HubRequest,
    route: number,
    stream: string,
    query: Record<string, unknown>,
  ): boolean {
    const header = request.headers[CONTRACT_HEADER];
    const fromQuery = query[CONTRACT_QUERY];
    const received =
      typeof header === 'string' ? header : typeof fromQuery === 'string' ? fromQuery : undefined;
    if (received === undefined || received === hub.fingerprint) return true;
    // An older contract the hub still serves (createHub's compatibleFingerprints) is no mismatch.
    if (hub.options.compatibleFingerprints?.includes(received)) return true;
    counters.streams[route]!.contractMismatches++;
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

  /**
   * Writes a stream's head (status, the hooks' headers and ours) and hands the connection to its
   * topics, each from its cursor, after `preamble` (the multiplexed acknowledgements).
   */
  function startStream(
    conn: TopicConnection,
    request: HubRequest,
    reply: Reply,
    cursors: readonly (string | undefined)[],
    preamble = '',
  ): void {
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
    fanout.start(conn, cursors, http11, preamble);
  }

  /**
   * The route's steps: admit (a connection slot), check the contract fingerprint, check the
   * subscriptions (`check`, which answers a refusal itself and returns null), open (attach to
   * the topics and wait for their broker subscriptions), start (write the head).
   */
  async function serve(
    request: HubRequest,
    reply: Reply,
    route: number,
    what: string,
    framing: Framing,
    check: (rawQuery: Record<string, unknown>) => Promise<Parameters<Fanout['connect']>[0]['topics'] | null>,
    started: (conn: TopicConnection, settled: PromiseSettledResult<void>[]) => void,
  ) {
    if (queuedBehindAnother(request, reply)) return reply;
    if (!fanout.admission.admit()) return unavailable(reply);
    let admitted = true;
    try {
      const rawQuery = (request.query ?? {}) as Record<string, unknown>;
      if (!checkContract(request, route, what, rawQuery)) {
        return reply.code(409).send({ error: 'contract_mismatch', expected: hub.fingerprint, stream: what });
      }
      const topics = await check(rawQuery);
      if (topics === null) return reply;
      admitted = false;
      const conn = fanout.connect({
        req: request.raw,
        res: reply.raw as unknown as RawResponse,
        topics,
        framing,
        route,
        log: request.log,
      });
      const settled = await fanout.opened(conn);
      if (conn.state === 'closed') {
        // The client left (or the hub closed) while the subscriptions were being set up.
        reply.hijack();
        return reply;
      }
      if (fanout.admission.draining) {
        fanout.detach(conn, 'refused');
        return unavailable(reply);
      }
      started(conn, settled);
      return reply;
    } finally {
      if (admitted) fanout.admission.release();
    }
  }
  function brokerFailure(stream: string, key: string, cause: unknown): TidingsBrokerError {
    return new TidingsBrokerError(
      `@tidings/server: stream "${stream}": the broker could not subscribe to topic "${key}": ${cause instanceof Error ? cause.message : String(cause)}. The client retries; check the broker.`,
      { cause, statusCode: 503 },
    );
  }

  /** Runs a stream's handler for one subscription of a connection, counted while it runs. */
  function handle(
    conn: TopicConnection,
    request: HubRequest,
    run: {
      stream: RouteStream;
      handler: AnyHandler;
      framing: Framing;
      alias: string;
      key: string;
      params: object;
      query: object;
      lastEventId: string | undefined;
      ended: () => void;
    },
  ): void {
    const running = runProcedure({
      conn,
      framing: run.framing,
      alias: run.alias,
      stream: run.stream.name,
      events: run.stream.events,
      handler: run.handler,
      params: run.params,
      query: run.query,
      lastEventId: run.lastEventId,
      request,
      counters: counters.streams[run.stream.index]!,
      log: request.log,
      ended: run.ended,
    });
    fanout.countHandler(run.stream.index, run.key, running);
  }

  function route(app: FastifyInstance<RawServerBase>, stream: RouteStream): void {
    const { name } = stream;
    const handler = hub.handlers.get(name);
    app.get(stream.schema.path, { exposeHeadRoute: false }, async (request, reply) => {
      let topicKeyOf = '';
      let checked: SubscriptionCheck | undefined;
      return serve(
        request,
        reply,
        stream.index,
        name,
        PLAIN,
        async (rawQuery) => {
          const check = await checkSubscription(
            stream,
            request,
            { params: request.params, query: appQuery(rawQuery) },
            authorize,
          );
          if (!check.ok) {
            await reply.code(check.status).send(check.body);
            return null;
          }
          topicKeyOf = topicKey(name, check.params as Record<string, unknown>);
          if (handler) {
            checked = check;
            return [];
          }
          return [{ stream: stream.index, key: topicKeyOf, history: stream.schema.history }];
        },
        (conn, [settled]) => {
          if (settled?.status === 'rejected') {
            fanout.detach(conn, 'refused');
            throw brokerFailure(name, topicKeyOf, settled.reason);
          }
          startStream(conn, request, reply, [lastEventIdOf(request)]);
          if (handler && checked?.ok) {
            handle(conn, request, {
              stream,
              handler,
              framing: PLAIN,
              alias: '',
              key: topicKeyOf,
              params: checked.params,
              query: checked.query,
              lastEventId: lastEventIdOf(request),
              ended: () => fanout.finish(conn),
            });
          }
        },
      );
    });
  }

  function multiplexRoute(
    app: FastifyInstance<RawServerBase>,
    streams: ReadonlyMap<string, RouteStream>,
  ): void {
    app.get(MULTIPLEX_PATH, { exposeHeadRoute: false }, async (request, reply) => {
      let checked: Awaited<ReturnType<typeof checkList>> | undefined;
      return serve(
        request,
        reply,
        streams.size,
        MULTIPLEXED,
        MUX,
        async (rawQuery) => {
          const list = parseSubscriptionList(
            rawQuery[SUBSCRIPTIONS_QUERY],
            streams,
            hub.maxSubscriptionsPerConnection,
          );
          if (!list.ok) {
            await reply.code(400).send(list.body);
            return null;
          }
          checked = await checkList(list.entries, request, authorize, (name) => hub.handlers.has(name));
          return checked.topics.map((topic) => ({
            stream: topic.stream.index,
            key: topic.key,
            history: topic.stream.schema.history,
          }));
        },
        (conn, settled) => {
          const topics = checked!.topics;
          let preamble = checked!.refusals.join('');
          const cursors: (string | undefined)[] = [];
          const slots = [...conn.slots];
          for (let i = 0; i < slots.length; i++) {
            const topic = topics[i]!;
            const outcome = settled[i];
            if (outcome?.status === 'rejected') {
              request.log.warn(
                { err: outcome.reason, topic: topic.key },
                '@tidings/server: the broker could not subscribe to a topic of a multiplexed list',
              );
              fanout.drop(slots[i]!);
              for (const key of topic.keys)
                preamble += refusalFrame(key, 503, { error: 'unavailable', stream: topic.stream.name });
              continue;
            }
            for (const key of topic.keys) preamble += encodeMuxControl(slots[i]!.topic.alias, 'sub', key);
            cursors.push(topic.cursorText);
          }
          // A stream served by a handler runs per subscription, under an alias of its own.
          const runs = checked!.handlers.map((accepted, i) => ({ accepted, alias: `~${i.toString(36)}` }));
          // A run starts afresh: its position is "nothing before" (a client moving lists switches to it at once).
          for (const { accepted, alias } of runs) {
            preamble +=
              encodeMuxControl(alias, 'sub', accepted.entry.key) +
              encodeMuxControl(alias, 'pos', EMPTY_POSITION);
          }
          startStream(conn, request, reply, cursors, preamble);
          for (const { accepted, alias } of runs) {
            handle(conn, request, {
              stream: accepted.entry.stream,
              handler: hub.handlers.get(accepted.entry.stream.name)!,
              framing: MUX,
              alias,
              key: accepted.key,
              params: accepted.params,
              query: accepted.query,
              lastEventId: accepted.entry.cursor,
              ended: () => {},
            });
          }
        },
      );
    });
  }

  return async function tidingsPlugin(app) {
    if (hub.isClosed()) {
      throw new TidingsError(
        'HUB_CLOSED',
        '@tidings/server: hub.plugin was registered after hub.close(); create a new hub.',
      );
    }
    fanout.log ??= app.log;
    app.addHook('preClose', async () => {
      await hub.drain();
      for (const session of sessions) session.close();
    });
    app.addHook('onClose', async () => {
      await hub.close();
    });
    const streams = new Map<string, RouteStream>();
    for (const [index, [name, schema]] of Object.entries(hub.contract.streams).entries()) {
      const stream: RouteStream = {
        name,
        index,
        schema,
        paramNames: pathParams(schema.path),
        events: new Map(Object.entries(schema.events)),
        counters: counters.streams[index]!,
      };
      streams.set(name, stream);
      route(app, stream);
    }
    multiplexRoute(app, streams);
  };
}
