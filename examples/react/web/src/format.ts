/** A price with two decimals. */
export function formatPrice(price: number): string {
  return price.toFixed(2);
}

/** A signed percentage: `+1.25%`, `-0.40%`. */
export function formatPercent(percent: number): string {
  return `${percent > 0 ? '+' : ''}${percent.toFixed(2)}%`;
}

/** `HH:MM:SS` of an ISO timestamp, in UTC (the same on the server and in every browser). */
export function formatTime(iso: string): string {
  return iso.slice(11, 19);
}

/** The points of an SVG polyline drawing `values` in a `width` × `height` box. */
export function polylinePoints(values: readonly number[], width: number, height: number): string {
  if (values.length < 2) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const range = max - min || 1;
  const step = width / (values.length - 1);
  return values
    .map((value, i) => `${(i * step).toFixed(1)},${(height - ((value - min) / range) * height).toFixed(1)}`)
    .join(' ');
}
