// The minimap: every visible row squeezed into a short canvas (one pixel row holds many span rows), with a frame
// showing the scrolled rows and the zoomed time window. The picture is rasterized into an ImageData buffer only
// when rows, size or colours change; scrolling moves two overlay boxes and nothing else.
// Click: scroll there. Drag: zoom to the dragged time range.
import { el } from './dom';
import type { ViewerActions, ViewerState } from './viewerState';

const HEIGHT = 56;

export class Minimap {
  readonly element: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly viewport: HTMLDivElement;
  private readonly windowBox: HTMLDivElement;
  private readonly selection: HTMLDivElement;
  private dirty = true;
  private width = 0;
  private drawnWindowKey = '';

  constructor(
    private readonly state: ViewerState,
    private readonly actions: ViewerActions,
    private readonly scrollTo: (fraction: number) => void,
  ) {
    this.element = el('div', 'sl-minimap');
    this.element.title = 'Click to scroll, drag to zoom into a time range';
    this.canvas = el('canvas', 'sl-minimap-canvas');
    this.viewport = el('div', 'sl-minimap-viewport');
    this.windowBox = el('div', 'sl-minimap-window');
    this.selection = el('div', 'sl-minimap-selection');
    this.element.append(this.canvas, this.windowBox, this.viewport, this.selection);
    new ResizeObserver((entries) => {
      for (const entry of entries) this.width = Math.floor(entry.contentRect.width);
      this.dirty = true;
      this.draw();
    }).observe(this.element);
    this.installPointer();
  }

  invalidate(): void {
    this.dirty = true;
  }

  /** The scrolled rows as fractions of all rows. */
  setViewport(top: number, bottom: number): void {
    const t = Math.max(0, Math.min(1, top));
    const b = Math.max(t, Math.min(1, bottom));
    this.viewport.style.transform = `translateY(${(t * HEIGHT).toFixed(1)}px)`;
    this.viewport.style.height = `${Math.max(2, (b - t) * HEIGHT).toFixed(1)}px`;
  }

  draw(): void {
    const { window, store } = this.state;
    const total = Math.max(store.durationUs, 1);
    const key = `${window.from}:${window.to}:${this.width}`;
    if (key !== this.drawnWindowKey) {
      this.drawnWindowKey = key;
      const zoomed = window.from > 0 || window.to < total;
      this.windowBox.style.display = zoomed ? 'block' : 'none';
      this.windowBox.style.transform = `translateX(${((window.from / total) * this.width).toFixed(1)}px)`;
      this.windowBox.style.width = `${Math.max(2, ((window.to - window.from) / total) * this.width).toFixed(1)}px`;
    }
    if (!this.dirty || this.width <= 0) return;
    this.dirty = false;
    this.rasterize();
  }

  private rasterize(): void {
    const { store, tree, serviceColors } = this.state;
    const w = this.width;
    const h = HEIGHT;
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const image = ctx.createImageData(w, h);
    const pixels = new Uint32Array(image.data.buffer);
    const rgba = serviceColors.map(toRgba);
    const total = Math.max(store.durationUs, 1);
    const rows = tree.rowCount;
    const xOf = (us: number): number => Math.max(0, Math.min(w, Math.floor((us / total) * w)));
    if (rows <= h) {
      // Each row gets a band of at least one pixel row.
      const rowPx = rows > 0 ? h / rows : 0;
      for (let r = 0; r < rows; r++) {
        const span = tree.rows[r]!;
        const y0 = Math.floor(r * rowPx);
        const y1 = Math.max(y0 + 1, Math.floor((r + 1) * rowPx) - (rowPx >= 3 ? 1 : 0));
        const x0 = Math.min(w - 1, xOf(store.start[span]!));
        const x1 = Math.max(x0 + 1, xOf(store.start[span]! + store.duration[span]!));
        const color = rgba[store.service[span]!] ?? 0xff888888;
        for (let y = y0; y < y1 && y < h; y++) pixels.fill(color, y * w + x0, y * w + Math.min(x1, w));
      }
    } else {
      // Many rows share each pixel row. Painting every span's full width would cost O(spans × width), so each
      // pixel row collects per-service coverage in difference arrays (O(1) per span) and paints once per service.
      const services = serviceColors.length;
      const diff = new Int32Array(services * (w + 1));
      const touched = new Uint8Array(services);
      const active: number[] = [];
      let r = 0;
      for (let y = 0; y < h; y++) {
        const rowEnd = Math.floor(((y + 1) / h) * rows);
        for (; r < rowEnd; r++) {
          const span = tree.rows[r]!;
          const s = store.service[span]!;
          const x0 = Math.min(w - 1, xOf(store.start[span]!));
          const x1 = Math.max(x0 + 1, xOf(store.start[span]! + store.duration[span]!));
          diff[s * (w + 1) + x0]!++;
          diff[s * (w + 1) + x1]!--;
          if (!touched[s]) {
            touched[s] = 1;
            active.push(s);
          }
        }
        for (const s of active) {
          const color = rgba[s] ?? 0xff888888;
          const base = s * (w + 1);
          let cover = 0;
          for (let x = 0; x < w; x++) {
            cover += diff[base + x]!;
            if (cover > 0) pixels[y * w + x] = color;
            diff[base + x] = 0;
          }
          diff[base + w] = 0;
          touched[s] = 0;
        }
        active.length = 0;
      }
    }
    ctx.putImageData(image, 0, 0);
  }

  private installPointer(): void {
    let startX = -1;
    let startY = 0;
    let left = 0;
    let top = 0;
    let dragging = false;
    this.element.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      const rect = this.element.getBoundingClientRect();
      left = rect.left;
      top = rect.top;
      startX = e.clientX - left;
      startY = e.clientY - top;
      dragging = false;
      this.element.setPointerCapture(e.pointerId);
    });
    this.element.addEventListener('pointermove', (e) => {
      if (startX < 0) return;
      const x = e.clientX - left;
      if (Math.abs(x - startX) > 3) dragging = true;
      if (!dragging) return;
      const a = Math.max(0, Math.min(startX, x));
      const b = Math.min(this.width, Math.max(startX, x));
      this.selection.style.display = 'block';
      this.selection.style.transform = `translateX(${a}px)`;
      this.selection.style.width = `${b - a}px`;
    });
    this.element.addEventListener('pointerup', (e) => {
      if (startX < 0) return;
      const x = e.clientX - left;
      this.selection.style.display = 'none';
      const total = Math.max(this.state.store.durationUs, 1);
      if (dragging && this.width > 0) {
        const a = (Math.max(0, Math.min(startX, x)) / this.width) * total;
        const b = (Math.min(this.width, Math.max(startX, x)) / this.width) * total;
        this.actions.zoom({ from: a, to: b });
      } else {
        this.scrollTo(Math.max(0, Math.min(1, startY / HEIGHT)));
      }
      startX = -1;
    });
  }
}

/** 'hsl(h s% l%)' or '#rrggbb' → little-endian ABGR for a Uint32 view over ImageData. */
function toRgba(color: string): number {
  const [r, g, b] = parseColor(color);
  return ((0xff << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

export function parseColor(color: string): [number, number, number] {
  const hsl = /^hsl\(\s*([\d.]+)\s+([\d.]+)%\s+([\d.]+)%\s*\)$/.exec(color);
  if (hsl) return hslToRgb(Number(hsl[1]), Number(hsl[2]) / 100, Number(hsl[3]) / 100);
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (hex) {
    const v = parseInt(hex[1]!, 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  return [136, 136, 136];
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}
