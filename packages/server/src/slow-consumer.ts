import type { Connection } from './connection.ts';

/**
 * Cuts a connection whose client reads too slowly. On HTTP/1.1 the socket is reset, not closed
 * with a FIN: a FIN waits behind the unread bytes, so a client that stopped reading would keep
 * the server's kernel buffers (up to several MB a socket) in FIN-WAIT-1 for minutes; a reset
 * frees them at once. HTTP/2 (and HTTP/1.0) destroy the response, which resets one stream.
 */
export function cutSlowConsumer(conn: Connection<unknown>): void {
  const socket = conn.socket;
  conn.socket = null;
  if (socket !== null) socket.resetAndDestroy();
  else conn.res.destroy();
}
