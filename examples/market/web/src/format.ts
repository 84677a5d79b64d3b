/** Formats a price with two decimals and thousands separators. */
export function formatPrice(value: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Formats a signed change, e.g. `+1.25 (+0.88%)`. */
export function formatChange(change: number, changePct: number): string {
  const sign = change > 0 ? '+' : change < 0 ? '−' : '';
  return `${sign}${formatPrice(Math.abs(change))} (${sign}${Math.abs(changePct).toFixed(2)}%)`;
}

/** Formats a volume compactly: 12,340 → `12.3K`. */
export function formatVolume(value: number): string {
  return value.toLocaleString('en-US', { notation: 'compact', maximumFractionDigits: 1 });
}

/** Formats an ISO timestamp as a local wall-clock time. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleTimeString('en-US', {
        hour12: false,
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
}

/** A CSS class for the direction of a change. */
export function trendClass(change: number): 'up' | 'down' | 'flat' {
  return change > 0 ? 'up' : change < 0 ? 'down' : 'flat';
}
