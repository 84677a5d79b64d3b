import type { Endpoint } from '../shared/protocol.ts';

/** What a client's connection must offer the group: its event count, whether it is open, a way to close it. */
export interface CountingConnection {
  readonly delivered: number;
  readonly isOpen: boolean;
  close(): void;
}

/**
 * One client of the load generator: its connections (one, or one per topic in scenario G),
 * counted as one. Its events are the sum over its connections, so a client holding ten
 * topics over ten connections compares with one holding them over one multiplexed connection.
 */
export class ClientGroup<TConnection extends CountingConnection = CountingConnection> {
  readonly connections: readonly TConnection[];

  constructor(connections: readonly TConnection[]) {
    this.connections = connections;
  }

  /** Events received so far, over every connection. */
  get delivered(): number {
    const connections = this.connections;
    if (connections.length === 1) return connections[0]!.delivered;
    let total = 0;
    for (let i = 0; i < connections.length; i++) total += connections[i]!.delivered;
    return total;
  }

  /** Every connection is open. */
  get isOpen(): boolean {
    return this.connections.every((connection) => connection.isOpen);
  }

  close(): void {
    for (const connection of this.connections) connection.close();
  }
}

/** One connection to open: the client it belongs to, and where to. */
export interface PlannedConnection {
  client: number;
  endpoint: Endpoint;
}

/**
 * The connections `count` clients open, client by client: client i opens one connection to
 * each endpoint of `shapes[i % shapes.length]` (the list of an instance of the target).
 */
export function connectionPlan(shapes: readonly (readonly Endpoint[])[], count: number): PlannedConnection[] {
  if (shapes.length === 0 && count > 0) throw new Error('@tidings/bench: no endpoints to connect to');
  const plan: PlannedConnection[] = [];
  for (let client = 0; client < count; client++) {
    const shape = shapes[client % shapes.length]!;
    if (shape.length === 0) throw new Error('@tidings/bench: a client with no connections');
    for (const endpoint of shape) plan.push({ client, endpoint });
  }
  return plan;
}
