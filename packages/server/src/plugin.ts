import type { Http2ServerRequest, Http2Session } from 'node:http2';
import {
  type AnyContract,
  type AnyStream,
  type NoParams,
  parsePath,
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
import { CLOSED, type RawResponse } from './connection.ts';
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

  const unavailable = (reply: Reply) =>
    reply
      .code(503)
      .header('retry-after', retryAfter)
      .send({ error: 'unavailable', retryAfter: Number(retryAfter) });

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

  function route(app: FastifyInstance<RawServerBase>, name: string, index: number, stream: AnyStream): void {
    const path = parsePath(stream.path);
    const paramNames = path.ok ? path.params : [];
    const { history } = stream;

    app.get(stream.path, { exposeHeadRoute: false }, async (request, reply) => {
      if (!fanout.admit()) return unavailable(reply);
      let admitted = true;
      try {
        const rawQuery = (request.query ?? {}) as Record<string, unknown>;
        if (!checkContract(request, name, rawQuery)) {
          return reply
            .code(409)
            .send({ error: 'contract_mismatch', expected: hub.fingerprint, stream: name });
        }

        let params: object = {} as NoParams;
        if (paramNames.length > 0) {
          let outcome = stream.params
            ? validateWith(stream.params, request.params)
            : stringParamsOutcome(paramNames, request.params);
          if (outcome instanceof Promise) outcome = await outcome;
          if (!outcome.ok) return invalid(reply, 'params', outcome.issues);
          params = outcome.value as object;
        }

        let query: object = {};
        if (stream.query) {
          let input = rawQuery;
          if (Object.hasOwn(rawQuery, CONTRACT_QUERY) || Object.hasOwn(rawQuery, LAST_EVENT_ID_QUERY)) {
            const { [CONTRACT_QUERY]: _contract, [LAST_EVENT_ID_QUERY]: _lastEventId, ...rest } = rawQuery;
            input = rest;
          }
          let outcome = validateWith(stream.query, input);
          if (outcome instanceof Promise) outcome = await outcome;
          if (!outcome.ok) return invalid(reply, 'query', outcome.issues);
          query = outcome.value as object;
        }

        if (authorize) {
          const allowed = await authorize({
            request,
            stream: name,
            params,
            query,
          } as AuthorizeContext<AnyContract>);
          if (!allowed) return reply.code(403).send({ error: 'forbidden', stream: name });
        }

        const res = reply.raw as unknown as RawResponse;
        admitted = false;
        const conn = fanout.connect(res, index, topicKey(name, params as Record<string, unknown>), history);
        try {
          await conn.topic.ready;
        } catch (error) {
          fanout.detach(conn);
          throw new TidingsBrokerError(
            `@tidings/server: stream "${name}": the broker could not subscribe to topic "${conn.topic.ref.key}".`,
            { cause: error, statusCode: 503 },
          );
        }
        if (conn.state === CLOSED) {
          // The client left (or the hub closed) while the subscription was being set up.
          reply.hijack();
          return reply;
        }
        if (fanout.draining) {
          fanout.detach(conn);
          return unavailable(reply);
        }

        const http2 = request.raw.httpVersionMajor === 2;
        const headers: Record<string, string | number | readonly string[]> = {};
        for (const [key, value] of Object.entries(reply.getHeaders())) {
          if (value !== undefined && !(http2 && HTTP1_ONLY.has(key))) headers[key] = value;
        }
        headers['content-type'] = 'text/event-stream; charset=utf-8';
        headers['cache-control'] = 'no-cache, no-transform';
        headers['x-accel-buffering'] = 'no';
        headers[HEARTBEAT_HEADER] = String(hub.heartbeatMs);
        const http11 = !http2 && request.raw.httpVersion === '1.1';
        if (http2) trackSession(request);
        else if (http11) {
          headers['connection'] = 'keep-alive';
          // Declared here, not left to Node, so the fan-out can frame chunks itself.
          headers['transfer-encoding'] = 'chunked';
        }
        reply.hijack();
        res.writeHead(200, headers);
        // A new EventSource cannot set Last-Event-ID, so it may resume through the query instead.
        const header = request.headers['last-event-id'];
        const fromQuery = rawQuery[LAST_EVENT_ID_QUERY];
        const lastEventId =
          typeof header === 'string' ? header : typeof fromQuery === 'string' ? fromQuery : undefined;
        fanout.start(conn, lastEventId, http11);
        return reply;
      } finally {
        if (admitted) fanout.unadmit();
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
    for (const [name, stream] of Object.entries(hub.contract.streams)) route(app, name, index++, stream);
  };
}
