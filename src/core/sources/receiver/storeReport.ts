import type { AddResult, TraceStoreStats } from './traceStore';

const n = (v: number): string => v.toLocaleString('en-US');

/** "500,000 spans / 1,024 MiB" */
export function describeStoreCap(stats: Pick<TraceStoreStats, 'maxSpans' | 'maxBytes'>): string {
  return `${n(stats.maxSpans)} spans / ${n(Math.round(stats.maxBytes / 1048576))} MiB`;
}

/** What the store lost or turned away, one phrase each; empty when nothing was. */
export function describeStoreLosses(stats: TraceStoreStats): string[] {
  return [
    stats.spansEvicted ? `${n(stats.spansEvicted)} oldest evicted at the cap` : '',
    stats.spansDropped ? `${n(stats.spansDropped)} dropped (a trace larger than the cap)` : '',
    stats.spansRejected ? `${n(stats.spansRejected)} rejected as invalid` : '',
    stats.valuesDropped ? `${n(stats.valuesDropped)} attribute values replaced (nested too deep)` : '',
  ].filter(Boolean);
}

/** The status bar tooltip line of the extension's receiver. */
export function receiverStoreTooltip(endpoint: string, stats: TraceStoreStats): string {
  const losses = describeStoreLosses(stats);
  return (
    `Receiver ${endpoint}: ${n(stats.spans)} spans in ${n(stats.traces)} traces, cap ${describeStoreCap(stats)}` +
    (losses.length > 0 ? `. Spans: ${losses.join(', ')}` : '')
  );
}

/**
 * For the OTLP partial-success message: what storing this request cost, once the cap bites. The sender learns that
 * the receiver is full (older traces evicted for its spans) or that its own spans were not kept.
 */
export function capLossMessage(added: AddResult, stats: TraceStoreStats, hint: string): string {
  const parts: string[] = [];
  if (added.dropped > 0) {
    parts.push(`did not keep ${n(added.dropped)} span${added.dropped === 1 ? '' : 's'}: ${added.dropped === 1 ? 'its trace' : 'their trace'} alone exceeds the receiver's cap of ${describeStoreCap(stats)}`);
  }
  if (added.evicted > 0) {
    parts.push(`the receiver is full (cap ${describeStoreCap(stats)}): ${n(added.evicted)} span${added.evicted === 1 ? '' : 's'} of the oldest traces ${added.evicted === 1 ? 'was' : 'were'} evicted to make room`);
  }
  return parts.length > 0 ? `${parts.join('; ')}; to keep more, raise ${hint}` : '';
}
