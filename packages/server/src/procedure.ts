import { type AnySchema, describeIssues } from '@tidings/contract';
import { createEventIdGenerator, validateWith } from '@tidings/contract/wire';
import type { FastifyBaseLogger } from 'fastify';
import { writeString } from './connection.ts';
import type { StreamCounters } from './counters.ts';
import type { Framing } from './framing.ts';
import type { HubRequest } from './hub-types.ts';
import type { TopicConnection } from './topic.ts';

/**
 * Unwritten bytes of a connection above which a handler is not pulled: its generator waits until
 * the client has read what was written (backpressure), so a slow client never makes the server
 * buffer an unbounded answer.
 */
export const HANDLER_WATERMARK_BYTES = 64 * 1024;
const MAX_ID_LENGTH = 256;
/**
 * Events a handler may yield in one turn of the event loop; past it, the run waits for the next
 * turn. Without it, a handler whose events are always ready, read by a client as fast, kept the
 * loop in microtasks (the socket took every write at once, so the watermark was never reached)
 * and every other connection, timer and request of the process starved.
 */
const HANDLER_TURN_EVENTS = 256;

/** Resolves in the next turn of the event loop, after I/O. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A stream's handler, untyped. */
export type AnyHandler = (context: {
  readonly params: object;
  readonly query: object;
  readonly lastEventId: string | undefined;
  readonly signal: AbortSignal;
  readonly request: HubRequest;
}) => AsyncIterable<{ readonly event: unknown; readonly data: unknown; readonly id?: unknown }>;

/** One run of a handler for one subscription of a connection. */
export interface ProcedureRun {
  readonly conn: TopicConnection;
  readonly framing: Framing;
  /** The subscription's alias on a multiplexed connection. */
  readonly alias: string;
  readonly stream: string;
  readonly events: ReadonlyMap<string, AnySchema>;
  readonly handler: AnyHandler;
  readonly params: object;
  readonly query: object;
  readonly lastEventId: string | undefined;
  readonly request: HubRequest;
  /** The stream's counters. */
  readonly counters: StreamCounters;
  readonly log: FastifyBaseLogger;
  /** Called once the stream has ended for good (the handler returned or failed), with its last frame written. */
  readonly ended: () => void;
}

/** Why a handler's stream ended in error, as the client is told it: no stack, no internals. */
class EndedInError extends Error {
  constructor(
    readonly code: 'VALIDATION_FAILED' | 'UNKNOWN_EVENT' | 'HANDLER_FAILED',
    message: string,
  ) {
    super(message);
  }
}

/** What the client may read of an error a handler threw: its message only when it says it is meant for clients (a 4xx `statusCode`). */
function safeMessage(error: unknown, stream: string): string {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && error instanceof Error)
    return error.message;
  return `@tidings/server: stream "${stream}": the handler failed; the server logged why.`;
}

/**
 * Runs a handler for one subscription: pulls its generator only while the connection has room
 * (backpressure), validates each yielded payload against its event's schema and writes it with
 * its id (`<ms>-<seq>` per run, or the handler's own). Returning ends the stream for good with a
 * final control frame; an invalid payload or a throw ends it with an error the client receives
 * (the real error is logged). The client leaving aborts `signal` and calls the generator's
 * `return()`, so its `finally` blocks run.
 */
export async function runProcedure(run: ProcedureRun): Promise<void> {
  const { conn, framing, alias, stream, counters } = run;
  const controller = new AbortController();
  const { signal } = controller;
  // `signal.aborted`, read a few times per event, as a plain variable (set as the signal aborts).
  let aborted = false;
  signal.addEventListener(
    'abort',
    () => {
      aborted = true;
    },
    { once: true },
  );
  conn.handlers.add(controller);
  const ids = createEventIdGenerator();
  let iterator:
    | AsyncIterator<{ readonly event: unknown; readonly data: unknown; readonly id?: unknown }>
    | undefined;
  let finished = false;
  // A turn of the event loop: the events pulled in it, and their frames joined into one write
  // (one chunk, one syscall), made at the end of the turn however the handler waits (upstream,
  // the next turn), or before waiting for the connection to drain.
  let inTurn = false;
  let pulled = 0;
  let batch = '';
  let batchBytes = 0;
  const flush = (): void => {
    if (batch === '') return;
    const frames = batch;
    const bytes = batchBytes;
    batch = '';
    batchBytes = 0;
    if (aborted || conn.state !== 'open') return;
    counters.bytesWritten += bytes;
    writeString(conn, frames, bytes);
  };
  const startTurn = (): void => {
    inTurn = true;
    pulled = 0;
    setImmediate(() => {
      inTurn = false;
      flush();
    });
  };
  const end = (body: object): void => {
    finished = true;
    if (aborted || conn.state !== 'open') return;
    const frame = framing.end(alias, JSON.stringify(body));
    batch += frame;
    batchBytes += Buffer.byteLength(frame);
    flush();
    run.ended();
  };
  try {
    iterator = run
      .handler({
        params: run.params,
        query: run.query,
        lastEventId: run.lastEventId,
        signal,
        request: run.request,
      })
      [Symbol.asyncIterator]();
    for (;;) {
      if (batchBytes > 0 && conn.buffered + batchBytes > HANDLER_WATERMARK_BYTES) flush();
      while (!aborted && conn.buffered > HANDLER_WATERMARK_BYTES) await conn.drained();
      if (inTurn && pulled >= HANDLER_TURN_EVENTS) await nextTurn();
      // The client is gone (a write failed): stop now, not at the socket's 'close', an error per write later.
      if (conn.socket?.destroyed) return;
      if (!inTurn) startTurn();
      pulled++;
      if (aborted) return;
      const step = await iterator.next();
      if (aborted) return;
      if (step.done) return end({});
      const { event, data, id } = step.value;
      const schema = typeof event === 'string' ? run.events.get(event) : undefined;
      if (schema === undefined) {
        throw new EndedInError(
          'UNKNOWN_EVENT',
          `@tidings/server: stream "${stream}": the handler yielded event ${JSON.stringify(event) ?? String(event)}, which the stream does not declare (declared: ${[...run.events.keys()].map((name) => `"${name}"`).join(', ')}).`,
        );
      }
      let outcome = validateWith(schema, data);
      if (outcome instanceof Promise) outcome = await outcome;
      if (aborted) return;
      if (!outcome.ok) {
        const counted = counters.events.get(event as string);
        if (counted) counted.invalidYields++;
        throw new EndedInError(
          'VALIDATION_FAILED',
          `@tidings/server: stream "${stream}", event "${event as string}": the handler yielded an invalid payload — ${describeIssues(outcome.issues)}.`,
        );
      }
      if (id !== undefined && (typeof id !== 'string' || id.length > MAX_ID_LENGTH || /[\r\n]/.test(id))) {
        throw new EndedInError(
          'HANDLER_FAILED',
          `@tidings/server: stream "${stream}": the handler yielded id ${JSON.stringify(id) ?? String(id)}; an id is a string of at most ${MAX_ID_LENGTH} characters without line breaks.`,
        );
      }
      const frame = framing.event(
        alias,
        id ?? ids.next(),
        event as string,
        JSON.stringify(outcome.value) ?? 'null',
      );
      const counted = counters.events.get(event as string);
      if (counted) counted.emitted++;
      counters.framesWritten++;
      batch += frame;
      batchBytes += Buffer.byteLength(frame);
    }
  } catch (error) {
    if (aborted || finished) return;
    if (error instanceof EndedInError) {
      run.log.error({ stream }, error.message);
      end({ error: { code: error.code, message: error.message } });
    } else {
      run.log.error({ err: error, stream }, `@tidings/server: stream "${stream}": the handler threw`);
      end({ error: { code: 'HANDLER_FAILED', message: safeMessage(error, stream) } });
    }
  } finally {
    conn.handlers.delete(controller);
    // Ends the generator however the stream ended, so its `finally` blocks run.
    if (!finished || aborted) controller.abort();
    void iterator?.return?.(undefined)?.catch(() => {});
  }
}
