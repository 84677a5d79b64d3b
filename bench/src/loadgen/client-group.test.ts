import { describe, expect, it } from 'vitest';
import { ClientGroup, type CountingConnection, connectionPlan } from './client-group.ts';

const a = { port: 1, path: '/a' };
const b = { port: 1, path: '/b' };
const c = { port: 2, path: '/c' };

function connection(delivered: number, isOpen = true): CountingConnection & { closed: boolean } {
  return {
    delivered,
    isOpen,
    closed: false,
    close() {
      this.closed = true;
    },
  };
}

describe('connectionPlan', () => {
  it('opens one connection per client with one endpoint per instance, alternating instances', () => {
    expect(connectionPlan([[a], [c]], 3)).toEqual([
      { client: 0, endpoint: a },
      { client: 1, endpoint: c },
      { client: 2, endpoint: a },
    ]);
  });

  it('opens every endpoint of a client, client by client', () => {
    expect(connectionPlan([[a, b]], 2)).toEqual([
      { client: 0, endpoint: a },
      { client: 0, endpoint: b },
      { client: 1, endpoint: a },
      { client: 1, endpoint: b },
    ]);
  });

  it('has nothing to open for no clients, and refuses clients with nowhere to connect', () => {
    expect(connectionPlan([], 0)).toEqual([]);
    expect(() => connectionPlan([], 1)).toThrow(/no endpoints/);
    expect(() => connectionPlan([[]], 1)).toThrow(/no connections/);
  });
});

describe('ClientGroup', () => {
  it('counts a client’s events over all its connections, and is open while every one is', () => {
    const connections = [connection(3), connection(4), connection(5, false)];
    const client = new ClientGroup(connections);
    expect(client.delivered).toBe(12);
    expect(client.isOpen).toBe(false);
    expect(new ClientGroup([connection(7)]).delivered).toBe(7);
    expect(new ClientGroup([connection(7), connection(1)]).isOpen).toBe(true);
    client.close();
    expect(connections.every((conn) => conn.closed)).toBe(true);
  });
});
