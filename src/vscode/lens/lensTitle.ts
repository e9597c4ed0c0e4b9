import type { LatencyStats } from '../../core/stats/latencyProvider';
import { formatCount, formatDurationMs, formatPercent } from '../../core/stats/format';

/** Figures a lens can show, in the order the user lists them in `spanlens.codeLens.figures`. */
export type LensFigure = 'p50' | 'p95' | 'p99' | 'max' | 'mean' | 'calls' | 'errors' | 'throughput';

export const DEFAULT_FIGURES: readonly LensFigure[] = ['p50', 'p95', 'p99', 'calls', 'errors'];

/** `p50 12 ms · p95 48 ms · p99 120 ms · 1.2k calls · 0.4% errors`. */
export function lensTitle(stats: LatencyStats, figures: readonly LensFigure[]): string {
  const parts: string[] = [];
  for (const f of figures) {
    const text = figureText(stats, f);
    if (text) parts.push(text);
  }
  if (stats.truncated) parts.push('(sampled)');
  return parts.join(' · ');
}

function figureText(s: LatencyStats, f: LensFigure): string | undefined {
  const ms = (v: number | null, label: string): string | undefined => (v === null ? undefined : `${label} ${formatDurationMs(v)}`);
  switch (f) {
    case 'p50':
      return ms(s.p50Ms, 'p50');
    case 'p95':
      return ms(s.p95Ms, 'p95');
    case 'p99':
      return ms(s.p99Ms, 'p99');
    case 'max':
      return ms(s.maxMs, 'max');
    case 'mean':
      return ms(s.meanMs, 'mean');
    case 'calls':
      return `${formatCount(Math.round(s.count))} call${Math.round(s.count) === 1 ? '' : 's'}`;
    case 'errors':
      return s.errorRate === null ? undefined : `${formatPercent(s.errorRate)} errors`;
    case 'throughput':
      return s.throughputPerMin === null ? undefined : `${formatCount(Math.round(s.throughputPerMin))}/min`;
  }
}

export function parseFigures(values: readonly unknown[] | undefined): LensFigure[] {
  const known = new Set<LensFigure>(['p50', 'p95', 'p99', 'max', 'mean', 'calls', 'errors', 'throughput']);
  const picked = (values ?? []).filter((v): v is LensFigure => typeof v === 'string' && known.has(v as LensFigure));
  return picked.length > 0 ? picked : [...DEFAULT_FIGURES];
}

/** A markdown table and bar ladder of the distribution, for the hover on the lens line. */
export function distributionMarkdown(s: LatencyStats, spanName: string, lookback: string, serviceReason?: string): string {
  const rows: Array<[string, number | null]> = [
    ['p50', s.p50Ms],
    ['p95', s.p95Ms],
    ['p99', s.p99Ms],
    ['max', s.maxMs],
  ];
  const top = Math.max(...rows.map(([, v]) => v ?? 0), 1e-9);
  const lines = [
    `**${escapeMarkdown(spanName)}** in \`${escapeMarkdown(s.service)}\` — last ${escapeMarkdown(lookback)}`,
    '',
    '| | latency | |',
    '|---|---:|---|',
    ...rows.map(([label, v]) => `| ${label} | ${v === null ? '—' : formatDurationMs(v)} | \`${bar(v ?? 0, top)}\` |`),
    '',
    `${formatCount(Math.round(s.count))} calls` +
      (s.errorRate !== null ? ` · ${formatPercent(s.errorRate)} errors` : '') +
      (s.meanMs !== null ? ` · mean ${formatDurationMs(s.meanMs)}` : '') +
      (s.throughputPerMin !== null ? ` · ${formatCount(Math.round(s.throughputPerMin))}/min` : ''),
    '',
    s.source === 'metrics'
      ? '_Figures from the Jaeger metrics backend (SPM)._'
      : `_Computed from ${s.sampleSize ?? 0} span${s.sampleSize === 1 ? '' : 's'} in traces${s.truncated ? ' (a sample: the search hit its limit)' : ''}._`,
    ...(serviceReason ? ['', `_Service \`${escapeMarkdown(s.service)}\`: ${escapeMarkdown(serviceReason)}._`] : []),
  ];
  return lines.join('\n');
}

function bar(v: number, top: number): string {
  const width = 24;
  const n = Math.max(v > 0 ? 1 : 0, Math.round((v / top) * width));
  return '█'.repeat(n) + '░'.repeat(width - n);
}

/** Span and service names are untrusted: keep markdown syntax in them inert. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}
