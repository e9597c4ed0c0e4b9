import type { TraceSummary } from '../../core/sources/traceSource';
import { formatDurationMs, formatAge } from '../../core/stats/format';

export type SummarySort = 'time' | 'duration';

export function sortSummaries(list: readonly TraceSummary[], sort: SummarySort): TraceSummary[] {
  const copy = [...list];
  if (sort === 'duration') copy.sort((a, b) => b.durationUs - a.durationUs);
  else copy.sort((a, b) => b.startTimeUs - a.startTimeUs);
  return copy;
}

/** QuickPick text for one result: root, duration, spans, services, error mark, relative start. */
export function describeSummary(s: TraceSummary, nowMs: number): { label: string; description: string; detail: string } {
  const errorMark = s.errorCount > 0 ? `$(error) ${s.errorCount} error${s.errorCount === 1 ? '' : 's'} · ` : '';
  return {
    label: `${s.rootService}: ${s.rootOperation}`,
    description: `${formatDurationMs(s.durationUs / 1000)} · ${s.spanCount} span${s.spanCount === 1 ? '' : 's'}`,
    detail: `${errorMark}${formatAge(nowMs - s.startTimeUs / 1000)} · ${s.services.join(', ')} · ${s.traceId}`,
  };
}
