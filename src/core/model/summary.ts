import type { Trace } from './trace';
import type { TraceSummary } from '../sources/traceSource';

/** One search-result row for a trace. */
export function summarizeTrace(trace: Trace): TraceSummary {
  let minStart = Infinity;
  let maxEnd = -Infinity;
  let errors = 0;
  const services = new Set<string>();
  for (const s of trace.spans) {
    minStart = Math.min(minStart, s.startTimeUs);
    maxEnd = Math.max(maxEnd, s.startTimeUs + s.durationUs);
    if (s.error) errors++;
    services.add(s.service);
  }
  const root = trace.spans.find((s) => s.parentSpanId === undefined) ?? trace.spans[0];
  return {
    traceId: trace.traceId,
    rootService: root?.service ?? '',
    rootOperation: root?.name ?? '',
    startTimeUs: trace.spans.length ? minStart : 0,
    durationUs: trace.spans.length ? maxEnd - minStart : 0,
    spanCount: trace.spans.length,
    errorCount: errors,
    services: [...services].sort(),
  };
}
