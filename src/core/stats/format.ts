/** Human-readable figures for lenses, result lists and the CLI. */

/** 0.42 ms, 12 ms, 1.25 s, 2.5 min. */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1) return `${trim(ms, 2)} ms`;
  if (ms < 1000) return `${trim(ms, ms < 10 ? 1 : 0)} ms`;
  if (ms < 60_000) return `${trim(ms / 1000, 2)} s`;
  return `${trim(ms / 60_000, 1)} min`;
}

/** 950, 1.2k, 34k, 1.5M. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${trim(n / 1000, n < 10_000 ? 1 : 0)}k`;
  return `${trim(n / 1_000_000, 1)}M`;
}

/** 0.4%, 12%, 0%. Input is a fraction 0..1. */
export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  if (p === 0) return '0%';
  if (p < 0.1) return '<0.1%';
  return `${trim(p, p < 10 ? 1 : 0)}%`;
}

/** "just now", "5 s ago", "3 min ago", "2 h ago", "4 d ago". */
export function formatAge(ms: number): string {
  if (ms < 1000) return 'just now';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return `${Math.round(ms / 86_400_000)} d ago`;
}

function trim(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}
