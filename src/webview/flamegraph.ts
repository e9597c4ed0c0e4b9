// The flamegraph (icicle: roots on top, x = time, y = depth) on a canvas. Each draw walks the spans once, skips
// those outside the time window or the scrolled depth range, and paints sub-pixel spans only where their pixel is
// still empty, so the cost stays bounded by the canvas, not the trace. Labels are canvas text (never HTML).
import { barExtent, formatDuration } from '../shared/viewModelLayout';
import { SpanFlag } from '../shared/viewModelPayload';
import { cssVar } from './colors';
import { el } from './dom';
import type { ViewerActions, ViewerState } from './viewerState';

const LEVEL_PX = 20;

export class Flamegraph {
  readonly element: HTMLDivElement;
  private readonly scroller: HTMLDivElement;
  private readonly sizer: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly tooltip: HTMLDivElement;
  private width = 0;
  private height = 0;
  private frame = 0;
  /** Per drawn level: which pixel columns hold a painted span, to skip repainting tiny spans. */
  private occupied = new Uint8Array(0);

  constructor(
    private readonly state: ViewerState,
    private readonly actions: ViewerActions,
  ) {
    this.element = el('div', 'sl-flame');
    this.scroller = el('div', 'sl-flame-scroll');
    this.sizer = el('div', 'sl-flame-sizer');
    this.canvas = el('canvas', 'sl-flame-canvas');
    this.tooltip = el('div', 'sl-flame-tooltip');
    this.sizer.append(this.canvas);
    this.scroller.append(this.sizer);
    this.element.append(this.scroller, this.tooltip);
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver((entries) => {
      for (const entry of entries) {
        this.width = Math.floor(entry.contentRect.width);
        this.height = Math.floor(entry.contentRect.height);
      }
      this.schedule();
    }).observe(this.scroller);
    this.canvas.addEventListener('click', (e) => {
      const span = this.hit(e);
      if (span >= 0) this.actions.select(span, true);
    });
    this.canvas.addEventListener('dblclick', (e) => {
      const span = this.hit(e);
      if (span >= 0) this.actions.zoom({ from: this.state.store.start[span]!, to: this.state.store.start[span]! + this.state.store.duration[span]! });
    });
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => {
      this.tooltip.style.display = 'none';
    });
  }

  schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private levelRange(): { first: number; last: number; top: number } {
    const top = this.scroller.scrollTop;
    const first = Math.floor(top / LEVEL_PX);
    const last = Math.ceil((top + this.height) / LEVEL_PX);
    return { first, last, top };
  }

  private draw(): void {
    const { store, window, serviceColors, tree } = this.state;
    const totalHeight = (store.maxDepth + 1) * LEVEL_PX;
    this.sizer.style.height = `${totalHeight}px`;
    const w = this.width;
    const h = Math.min(this.height, totalHeight);
    if (w <= 0 || h <= 0) return;
    const dpr = pixelRatio();
    const { first, last, top } = this.levelRange();
    this.canvas.style.transform = `translateY(${top}px)`;
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    if (this.canvas.width !== Math.round(w * dpr)) this.canvas.width = Math.round(w * dpr);
    if (this.canvas.height !== Math.round(h * dpr)) this.canvas.height = Math.round(h * dpr);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const levels = last - first + 1;
    if (this.occupied.length < levels * w) this.occupied = new Uint8Array(levels * w);
    else this.occupied.fill(0, 0, levels * w);
    const fg = cssVar('--sl-bar-text', '#000');
    const errorColor = cssVar('--sl-error', '#e51400');
    const selectedColor = cssVar('--sl-focus', '#0078d4');
    ctx.font = `11px ${cssVar('--sl-font', 'sans-serif')}`;
    ctx.textBaseline = 'middle';
    const charPx = 6.2;
    for (let i = 0; i < store.count; i++) {
      const d = store.depth[i]!;
      if (d < first || d > last) continue;
      if (tree.hiddenServices[store.service[i]!]) continue;
      const ext = barExtent(store.start[i]!, store.duration[i]!, window);
      if (!ext) continue;
      const x = ext.left * w;
      const bw = ext.width * w;
      const y = d * LEVEL_PX - top;
      const level = d - first;
      if (bw < 1) {
        const px = Math.min(w - 1, Math.floor(x));
        const o = level * w + px;
        if (this.occupied[o]) continue;
        this.occupied[o] = 1;
      }
      ctx.fillStyle = serviceColors[store.service[i]!] ?? 'gray';
      ctx.fillRect(x, y + 1, Math.max(1, bw - (bw > 3 ? 1 : 0)), LEVEL_PX - 2);
      if (store.flags[i]! & SpanFlag.error) {
        ctx.fillStyle = errorColor;
        ctx.fillRect(x, y + LEVEL_PX - 4, Math.max(1, bw - 1), 3);
      }
      if (i === this.state.selected) {
        ctx.strokeStyle = selectedColor;
        ctx.lineWidth = 2;
        ctx.strokeRect(x + 1, y + 2, Math.max(1, bw - 2), LEVEL_PX - 4);
      }
      if (bw > 40) {
        const text = store.spanName(i);
        const fits = Math.floor((bw - 8) / charPx);
        ctx.fillStyle = fg;
        ctx.fillText(fits >= text.length ? text : `${text.slice(0, Math.max(0, fits - 1))}…`, x + 4, y + LEVEL_PX / 2);
      }
    }
  }

  private hit(e: MouseEvent): number {
    const rect = this.canvas.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const depth = Math.floor((y + this.scroller.scrollTop) / LEVEL_PX);
    const { store, window, tree } = this.state;
    const t = window.from + (x / Math.max(1, this.width)) * (window.to - window.from);
    // Tiny spans are hard to hit exactly: accept the nearest within 3 px.
    const slack = (3 / Math.max(1, this.width)) * (window.to - window.from);
    let best = -1;
    let bestDistance = Infinity;
    for (let i = 0; i < store.count; i++) {
      if (store.depth[i] !== depth || tree.hiddenServices[store.service[i]!]) continue;
      const s = store.start[i]!;
      const end = s + store.duration[i]!;
      const distance = t < s ? s - t : t > end ? t - end : 0;
      if (distance <= slack && distance < bestDistance) {
        best = i;
        bestDistance = distance;
        if (distance === 0) break;
      }
    }
    return best;
  }

  private hover(e: MouseEvent): void {
    const span = this.hit(e);
    if (span < 0) {
      this.tooltip.style.display = 'none';
      return;
    }
    const { store } = this.state;
    this.tooltip.textContent = `${store.serviceName(span)} · ${store.spanName(span)} — ${formatDuration(store.duration[span]!)}`;
    const rect = this.element.getBoundingClientRect();
    this.tooltip.style.display = 'block';
    this.tooltip.style.transform = `translate(${Math.min(e.clientX - rect.left + 12, rect.width - 260)}px, ${e.clientY - rect.top + 14}px)`;
  }
}

function pixelRatio(): number {
  return Math.max(1, Math.min(3, globalThis.devicePixelRatio || 1));
}
