import { formatPrice, formatTime } from './format.ts';

/** One point of the chart: a time (ms since the epoch) and a price. */
export interface PricePoint {
  readonly t: number;
  readonly price: number;
}

/** What the chart shows besides the points. */
export interface ChartState {
  readonly points: readonly PricePoint[];
  readonly halted: boolean;
}

/** A live line chart on a canvas that follows the element's size and the device pixel ratio. */
export interface PriceChart {
  /** Draws on the next animation frame (many calls in one frame draw once). */
  render(state: ChartState): void;
}

const PAD = { top: 14, right: 70, bottom: 24, left: 10 };

function cssVar(element: Element, name: string, fallback: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || fallback;
}

/** `#rrggbb` with an alpha channel; other colors are returned as they are. */
function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return color;
  const n = Number.parseInt(hex, 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Creates a chart on `canvas`. */
export function createPriceChart(canvas: HTMLCanvasElement): PriceChart {
  const context = canvas.getContext('2d');
  let state: ChartState = { points: [], halted: false };
  let frame = 0;

  function draw(): void {
    frame = 0;
    if (!context) return;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);

    const muted = cssVar(canvas, '--muted', '#8b95a7');
    const grid = cssVar(canvas, '--grid', 'rgba(139,149,167,0.15)');
    context.font = '12px ui-monospace, SFMono-Regular, Menlo, monospace';
    const { points } = state;
    if (points.length < 2) {
      context.fillStyle = muted;
      context.textAlign = 'center';
      context.fillText('Waiting for quotes…', width / 2, height / 2);
      return;
    }

    const first = points[0]!;
    const last = points[points.length - 1]!;
    const color =
      last.price >= first.price ? cssVar(canvas, '--up', '#22c55e') : cssVar(canvas, '--down', '#ef4444');
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const p of points) {
      min = Math.min(min, p.price);
      max = Math.max(max, p.price);
    }
    const margin = (max - min) * 0.12 || Math.max(0.01, max * 0.001);
    min -= margin;
    max += margin;
    const plotW = width - PAD.left - PAD.right;
    const plotH = height - PAD.top - PAD.bottom;
    const span = Math.max(1, last.t - first.t);
    const x = (t: number) => PAD.left + ((t - first.t) / span) * plotW;
    const y = (price: number) => PAD.top + (1 - (price - min) / (max - min)) * plotH;

    context.strokeStyle = grid;
    context.fillStyle = muted;
    context.lineWidth = 1;
    context.textAlign = 'left';
    context.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const price = min + ((max - min) * i) / 4;
      const gy = Math.round(y(price)) + 0.5;
      context.beginPath();
      context.moveTo(PAD.left, gy);
      context.lineTo(PAD.left + plotW, gy);
      context.stroke();
      context.fillText(formatPrice(price), PAD.left + plotW + 8, gy);
    }
    context.textBaseline = 'alphabetic';
    context.fillText(formatTime(new Date(first.t).toISOString()), PAD.left, height - 6);
    context.textAlign = 'right';
    context.fillText(formatTime(new Date(last.t).toISOString()), PAD.left + plotW, height - 6);

    const line = new Path2D();
    context.beginPath();
    for (const [i, p] of points.entries()) {
      if (i === 0) {
        line.moveTo(x(p.t), y(p.price));
        context.moveTo(x(p.t), y(p.price));
      } else {
        line.lineTo(x(p.t), y(p.price));
        context.lineTo(x(p.t), y(p.price));
      }
    }
    context.lineTo(x(last.t), PAD.top + plotH);
    context.lineTo(x(first.t), PAD.top + plotH);
    context.closePath();
    const fill = context.createLinearGradient(0, PAD.top, 0, PAD.top + plotH);
    fill.addColorStop(0, withAlpha(color, 0.28));
    fill.addColorStop(1, withAlpha(color, 0));
    context.fillStyle = fill;
    context.fill();
    context.strokeStyle = color;
    context.lineWidth = 2;
    context.lineJoin = 'round';
    context.stroke(line);

    const lx = x(last.t);
    const ly = y(last.price);
    context.fillStyle = color;
    context.beginPath();
    context.arc(lx, ly, 3.5, 0, Math.PI * 2);
    context.fill();
    const label = formatPrice(last.price);
    const labelW = context.measureText(label).width + 12;
    context.beginPath();
    context.roundRect(PAD.left + plotW + 2, ly - 10, labelW, 20, 4);
    context.fill();
    context.fillStyle = cssVar(canvas, '--on-accent', '#0b0f17');
    context.textAlign = 'left';
    context.textBaseline = 'middle';
    context.fillText(label, PAD.left + plotW + 8, ly);

    if (state.halted) {
      context.fillStyle = cssVar(canvas, '--halt-veil', 'rgba(11,15,23,0.55)');
      context.fillRect(PAD.left, PAD.top, plotW, plotH);
      context.fillStyle = cssVar(canvas, '--warn', '#f59e0b');
      context.font = '600 14px system-ui, sans-serif';
      context.textAlign = 'center';
      context.fillText('TRADING HALTED', PAD.left + plotW / 2, PAD.top + plotH / 2);
    }
  }

  const schedule = () => {
    if (frame === 0) frame = requestAnimationFrame(draw);
  };
  new ResizeObserver(schedule).observe(canvas);
  return {
    render(next) {
      state = next;
      schedule();
    },
  };
}
