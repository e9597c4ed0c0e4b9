import type { Span, Trace } from './trace';
import type { TraceSummary } from '../sources/traceSource';

/**
 * One search-result row for a trace. The root is the earliest span without a parent (spans are sorted by start),
 * else the earliest span; the duration runs from the earliest start to the latest end of any span.
 */
export function summarizeTrace(trace: Trace): TraceSummary {
  let minStart = Infinity;
  let maxEnd = -Infinity;
  let errors = 0;
  const services = new Set<string>();
  let root: Span | undefined;
  let earliest: Span | undefined;
  for (const s of trace.spans) {
    if (s.startTimeUs < minStart) minStart = s.startTimeUs;
    const end = s.startTimeUs + s.durationUs;
    if (end > maxEnd) maxEnd = end;
    if (s.error) errors++;
    services.add(s.service);
    if (earliest === undefined || s.startTimeUs < earliest.startTimeUs) earliest = s;
    if (s.parentSpanId === undefined && (root === undefined || s.startTimeUs < root.startTimeUs)) root = s;
  }
  root ??= earliest;
  const empty = trace.spans.length === 0;
  return {
    traceId: trace.traceId,
    rootService: root?.service ?? '',
    rootOperation: root?.name ?? '',
    startTimeUs: empty ? 0 : minStart,
    durationUs: empty ? 0 : maxEnd - minStart,
    spanCount: trace.spans.length,
    errorCount: errors,
    services: [...services].sort(),
  };
}
