/** The part of a subscription the indicator reads. */
export interface StatusSource {
  readonly status: 'connecting' | 'open' | 'closed';
  addEventListener(type: 'open' | 'error' | 'close', listener: () => void): void;
}

/** Overall state shown by the indicator. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
};

/** Combines the status of every subscription into one indicator: live only when all are open. */
export interface ConnectionStatus {
  track(key: string, source: StatusSource): void;
  untrack(key: string): void;
  refresh(): void;
}

/** Creates the indicator in `element` (it sets `data-status` and the label). */
export function createConnectionStatus(element: HTMLElement): ConnectionStatus {
  const label = element.querySelector<HTMLElement>('.label') ?? element;
  const sources = new Map<string, StatusSource>();
  let everOpen = false;

  function refresh(): void {
    const statuses = [...sources.values()].map((source) => source.status);
    let state: ConnectionState;
    if (statuses.length === 0 || statuses.every((s) => s === 'closed')) state = 'closed';
    else if (statuses.every((s) => s === 'open' || s === 'closed')) state = 'open';
    else state = everOpen ? 'reconnecting' : 'connecting';
    if (state === 'open') everOpen = true;
    const open = statuses.filter((s) => s === 'open').length;
    const text = state === 'open' ? `${LABELS.open} · ${open} stream${open === 1 ? '' : 's'}` : LABELS[state];
    element.dataset['status'] = state;
    if (label.textContent !== text) label.textContent = text;
    element.title = `${open} of ${statuses.length} streams open`;
  }

  // Transitions to `connecting` fire no event of their own; a cheap poll catches them.
  setInterval(refresh, 500);
  return {
    track(key, source) {
      sources.set(key, source);
      for (const type of ['open', 'error', 'close'] as const) source.addEventListener(type, refresh);
      refresh();
    },
    untrack(key) {
      sources.delete(key);
      refresh();
    },
    refresh,
  };
}
