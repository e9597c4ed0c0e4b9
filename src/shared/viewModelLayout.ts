// Pure layout arithmetic for the viewer: time ↔ pixel mapping, ruler ticks, visible row ranges, duration text.

/** A time window in µs from the trace start. */
export interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

export function clampWindow(w: TimeWindow, durationUs: number): TimeWindow {
  const total = Math.max(durationUs, 1);
  let from = Math.max(0, Math.min(w.from, total));
  let to = Math.max(0, Math.min(w.to, total));
  if (to < from) [from, to] = [to, from];
  // Never zoom below 1 µs per window: the ruler would have nothing to say.
  if (to - from < 1) to = Math.min(total, from + 1);
  if (to - from < 1) from = Math.max(0, to - 1);
  return { from, to };
}

export interface Tick {
  /** µs from the trace start. */
  readonly at: number;
  /** Fraction 0..1 across the window. */
  readonly x: number;
  readonly label: string;
}

/** Round steps 1, 2, 5 × 10^k µs so that about `target` ticks fit the window. */
export function tickStep(spanUs: number, target: number): number {
  const raw = Math.max(spanUs, 1e-3) / Math.max(target, 1);
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

export function ticks(window: TimeWindow, target: number): Tick[] {
  const span = window.to - window.from;
  if (!(span > 0)) return [];
  const step = tickStep(span, target);
  const out: Tick[] = [];
  const first = Math.ceil(window.from / step - 1e-9) * step;
  for (let at = first; at <= window.to + step * 1e-9 && out.length < 1000; at += step) {
    out.push({ at, x: (at - window.from) / span, label: formatDuration(at, step) });
  }
  return out;
}

/**
 * Microseconds as short text: "0", "850µs", "12.3ms", "1.25s", "2m 5s". `resolution` (µs) chooses how many
 * decimals are worth showing, so ruler labels with a 0.5 ms step read "1.5ms" rather than "1.500ms".
 */
export function formatDuration(us: number, resolution?: number): string {
  if (!Number.isFinite(us)) return '–';
  const sign = us < 0 ? '-' : '';
  const a = Math.abs(us);
  if (a === 0) return '0';
  const decimals = (unit: number): number => {
    if (resolution === undefined) {
      const v = a / unit;
      return v >= 100 ? 0 : v >= 10 ? 1 : 2;
    }
    const r = resolution / unit;
    return r >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(r) - 1e-9));
  };
  const fmt = (unit: number, suffix: string): string => `${sign}${trimZeros((a / unit).toFixed(decimals(unit)))}${suffix}`;
  if (a < 1000) return fmt(1, 'µs');
  if (a < 1e6) return fmt(1e3, 'ms');
  if (a < 60e6) return fmt(1e6, 's');
  const minutes = Math.floor(a / 60e6);
  const seconds = Math.round((a - minutes * 60e6) / 1e6);
  return `${sign}${minutes}m ${seconds}s`;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Rows [first, last) intersecting a viewport, with `overscan` extra rows each side. */
export function visibleRowRange(scrollTop: number, viewportHeight: number, rowHeight: number, rowCount: number, overscan: number): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(rowCount, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { first, last: Math.max(first, last) };
}

/** Horizontal extent of a bar as fractions of the window; undefined when it lies fully outside. */
export function barExtent(startUs: number, durationUs: number, window: TimeWindow): { left: number; width: number } | undefined {
  const span = window.to - window.from;
  const end = startUs + durationUs;
  if (end < window.from || startUs > window.to) return undefined;
  const left = (Math.max(startUs, window.from) - window.from) / span;
  const right = (Math.min(end, window.to) - window.from) / span;
  return { left, width: Math.max(0, right - left) };
}
