const SVG = 'http://www.w3.org/2000/svg';

/** Creates a small inline SVG trend line; call `update` with recent prices. */
export function createSparkline(
  width = 96,
  height = 28,
): { element: SVGSVGElement; update(prices: readonly number[]): void } {
  const element = document.createElementNS(SVG, 'svg');
  element.setAttribute('viewBox', `0 0 ${width} ${height}`);
  element.setAttribute('width', String(width));
  element.setAttribute('height', String(height));
  element.setAttribute('aria-hidden', 'true');
  element.classList.add('sparkline');
  const line = document.createElementNS(SVG, 'polyline');
  element.append(line);
  return {
    element,
    update(prices) {
      if (prices.length < 2) return;
      const min = Math.min(...prices);
      const max = Math.max(...prices);
      const range = max - min || 1;
      const step = width / (prices.length - 1);
      const points = prices.map(
        (p, i) => `${(i * step).toFixed(1)},${(height - 2 - ((p - min) / range) * (height - 4)).toFixed(1)}`,
      );
      line.setAttribute('points', points.join(' '));
      const first = prices[0] ?? 0;
      const last = prices[prices.length - 1] ?? 0;
      element.dataset['trend'] = last > first ? 'up' : last < first ? 'down' : 'flat';
    },
  };
}
