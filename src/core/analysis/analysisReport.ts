import type { Trace } from '../model/trace';
import { formatDurationMs } from '../stats/format';
import type { TimeRow, TraceAnalysis } from './analysisTypes';
import type { MultiTraceAnalysis } from './analyzeTraces';

/**
 * Plain-data and plain-text renderings of analyses, for the CLI and for anything that shows a report as text.
 * Span names and attribute values are untrusted: the text form escapes control characters.
 */

export interface AnalysisJsonOptions {
  /** Include `selfTimeBySpan` (one row per span: large for big traces). */
  readonly perSpan?: boolean;
}

/** A TraceAnalysis as JSON-ready data (typed arrays and internal indices left out). */
export function traceAnalysisJson(trace: Trace, a: TraceAnalysis, options: AnalysisJsonOptions = {}): Record<string, unknown> {
  return {
    traceId: a.traceId,
    spanCount: a.spanCount,
    startUs: a.startUs,
    endUs: a.endUs,
    durationUs: a.durationUs,
    criticalPath: a.criticalPath,
    criticalPathRoot: a.criticalPathRoot ?? null,
    criticalPathStartUs: a.criticalPathStartUs,
    criticalPathEndUs: a.criticalPathEndUs,
    criticalPathSegments: a.criticalPathSegments.map((s) => ({ spanId: s.spanId, startUs: s.startUs, endUs: s.endUs, kind: s.kind })),
    selfTime: a.selfTime.byOperation,
    selfTimeByService: a.selfTime.byService,
    ...(options.perSpan ? { selfTimeBySpan: trace.spans.map((s, i) => ({ spanId: s.spanId, selfUs: a.selfTime.spanSelfUs[i]! })) } : {}),
    bottlenecks: a.bottlenecks,
    nPlusOne: a.nPlusOne,
    parallelizable: a.parallelizable,
    orphans: a.orphans,
    completeness: a.completeness,
    propagationGaps: a.propagationGaps,
    samplingIssues: a.samplingIssues,
    clockSkew: a.clockSkew,
    unendedSpans: a.unendedSpans,
    highCardinality: a.highCardinality,
  };
}

export function multiTraceAnalysisJson(traces: readonly Trace[], m: MultiTraceAnalysis, options: AnalysisJsonOptions = {}): Record<string, unknown> {
  return {
    traceCount: m.traceCount,
    criticalPathOperations: m.criticalPathOperations,
    propagationGaps: m.propagationGaps,
    nPlusOne: m.nPlusOne,
    highCardinality: m.highCardinality,
    traces: m.traces.map((a, i) => traceAnalysisJson(traces[i]!, a, options)),
  };
}

/** Control characters in untrusted names would garble a terminal; show them escaped. */
function text(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function ms(us: number): string {
  return formatDurationMs(us / 1000);
}

function pct(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)}%`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]!) : i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `  ${l}`);
}

function operationLabel(row: { service: string; operation?: string }): string {
  return text(row.operation === undefined ? row.service : `${row.service}: ${row.operation}`);
}

const LIST_LIMIT = 10;

function more(total: number, shown: number): string[] {
  return total > shown ? [`  … and ${total - shown} more`] : [];
}

function operationRows(rows: readonly TimeRow[]): string[] {
  return table(
    ['SELF', '% TRACE', 'TOTAL', 'SPANS', 'OPERATION'],
    rows.slice(0, LIST_LIMIT).map((r) => [ms(r.selfUs), pct(r.selfPercentOfTrace), ms(r.totalUs), String(r.count), operationLabel(r)]),
    [true, true, true, true, false],
  );
}

/** A short readable report of one trace's analysis. */
export function formatTraceAnalysis(trace: Trace, a: TraceAnalysis): string {
  const byId = new Map(trace.spans.map((s, i) => [s.spanId, i]));
  const out: string[] = [];
  const pathLength = a.criticalPathEndUs - a.criticalPathStartUs;
  out.push(`Trace ${a.traceId}: ${a.spanCount} spans, ${ms(a.durationUs)} end to end; critical path ${a.criticalPath.length} spans, ${ms(pathLength)}`);

  if (a.bottlenecks.length > 0) {
    const anyWait = a.bottlenecks.some((b) => b.criticalPathWaitUs > 0);
    out.push('', 'Where the critical path spends its time (operations working on it):');
    out.push(
      ...table(
        ['ON PATH', 'SHARE', ...(anyWait ? ['WAITED FOR'] : []), 'SELF', 'SPANS', 'OPERATION'],
        a.bottlenecks.map((b) => [
          ms(b.criticalPathUs),
          pct(b.criticalPathPercent),
          ...(anyWait ? [b.criticalPathWaitUs > 0 ? ms(b.criticalPathWaitUs) : ''] : []),
          ms(b.selfUs),
          String(b.count),
          operationLabel(b),
        ]),
        [true, true, ...(anyWait ? [true] : []), true, true, false],
      ),
    );
    if (anyWait) out.push('  (WAITED FOR: time between an asynchronous parent ending and the span starting — queues, scheduling, think time.)');
  }

  if (a.selfTime.byOperation.length > 0) out.push('', 'Self time by operation (largest first):', ...operationRows(a.selfTime.byOperation));

  // The chain itself: spans holding at least 1% of the path (working or waited for), in path order.
  const work = new Map<string, number>();
  const wait = new Map<string, number>();
  for (const s of a.criticalPathSegments) {
    const m = s.kind === 'self' ? work : wait;
    m.set(s.spanId, (m.get(s.spanId) ?? 0) + (s.endUs - s.startUs));
  }
  const held = (id: string): number => (work.get(id) ?? 0) + (wait.get(id) ?? 0);
  const chain = a.criticalPath.filter((id) => pathLength <= 0 || held(id) >= pathLength * 0.01);
  if (chain.length > 0) {
    out.push('', `Critical path (spans holding ≥1% of it, ${chain.length} of ${a.criticalPath.length}):`);
    const shown = chain.slice(0, 25);
    out.push(
      ...table(
        ['WORKING', 'WAITED FOR', 'START', 'SPAN', 'OPERATION'],
        shown.map((id) => {
          const s = trace.spans[byId.get(id)!]!;
          const waited = wait.get(id) ?? 0;
          return [ms(work.get(id) ?? 0), waited > 0 ? ms(waited) : '', `+${ms(s.startTimeUs - a.startUs)}`, id, operationLabel({ service: s.service, operation: s.name })];
        }),
        [true, true, true, false, false],
      ),
    );
    out.push(...more(chain.length, shown.length));
  }

  const findings: string[] = [];
  if (a.nPlusOne.length > 0) {
    findings.push('', `N+1 calls (${a.nPlusOne.length}):`);
    for (const f of a.nPlusOne.slice(0, LIST_LIMIT)) {
      const what = f.statement ?? f.urlTemplate ?? f.peer;
      findings.push(
        `  ${operationLabel({ service: f.parentService, operation: f.parentOperation })} makes ${f.count} ${text(f.operation)} calls one after another` +
          `${what ? ` (${text(what)})` : ''}: ${ms(f.totalUs)} in total; e.g. span ${f.exampleSpanIds[0] ?? ''}`,
      );
    }
    findings.push(...more(a.nPlusOne.length, LIST_LIMIT));
  }
  if (a.parallelizable.length > 0) {
    // The same pattern under many instances of one parent operation is one finding for a reader.
    const groups = new Map<string, { first: (typeof a.parallelizable)[number]; count: number; saving: number }>();
    for (const p of a.parallelizable) {
      const key = [p.parentService, p.parentOperation, ...p.operations, ...p.targets].join('\u0000');
      const g = groups.get(key);
      if (g) {
        g.count++;
        g.saving += p.potentialSavingUs;
      } else groups.set(key, { first: p, count: 1, saving: p.potentialSavingUs });
    }
    const list = [...groups.values()].sort((x, y) => y.saving - x.saving);
    findings.push('', `Sequential calls that could run in parallel (${a.parallelizable.length}):`);
    for (const g of list.slice(0, LIST_LIMIT)) {
      const p = g.first;
      const calls = p.operations.map((o, i) => `${text(o)} → ${text(p.targets[i] ?? '?')}`).join(', ');
      findings.push(
        `  ${operationLabel({ service: p.parentService, operation: p.parentOperation })} calls ${calls} one after another: up to ${ms(g.saving)} saved` +
          `${g.count > 1 ? ` over ${g.count} occurrences` : ''}; e.g. spans ${p.spanIds.join(', ')}`,
      );
    }
    findings.push(...more(list.length, LIST_LIMIT));
  }
  if (a.completeness.incomplete) {
    findings.push('', 'Incomplete trace:');
    if (a.completeness.missingRoot) findings.push('  the root span is missing (every span names a parent)');
    if (a.orphans.length > 0) {
      findings.push(`  ${a.orphans.length} span(s) name a parent that is not in the trace (${a.completeness.missingParentIds.length} missing parent id(s): ${a.completeness.missingParentIds.slice(0, 5).join(', ')})`);
      for (const o of a.orphans.slice(0, 5)) findings.push(`    ${o.spanId} ${operationLabel({ service: o.service, operation: o.operation })} → parent ${o.missingParentId}`);
      findings.push(...more(a.orphans.length, 5).map((l) => `  ${l}`));
    }
  }
  if (a.propagationGaps.length > 0) {
    findings.push('', `Propagation gaps (${a.propagationGaps.length}):`);
    for (const g of a.propagationGaps.slice(0, LIST_LIMIT)) {
      findings.push(`  [${g.confidence}] ${text(g.callerService)} → ${text(g.calleeService)}: span ${g.spanId} (${text(g.operation)}). ${text(g.evidence)}`);
    }
    findings.push(...more(a.propagationGaps.length, LIST_LIMIT));
  }
  if (a.samplingIssues.length > 0) {
    findings.push('', 'Sampling:');
    for (const s of a.samplingIssues) findings.push(`  ${text(s.message)}`);
  }
  if (a.clockSkew.length > 0) {
    findings.push('', `Clock skew (${a.clockSkew.length}, largest first):`);
    for (const s of a.clockSkew.slice(0, LIST_LIMIT)) {
      const how = s.direction === 'starts-before-parent' ? 'starts' : 'ends';
      const where = s.direction === 'starts-before-parent' ? 'before' : 'after';
      findings.push(
        `  ${operationLabel(s)} (${s.spanId}) ${how} ${ms(s.offsetUs)} ${where} its parent in ${text(s.parentService)}` +
          (s.sameService ? ' (same service: an instrumentation timing glitch rather than skew)' : ''),
      );
    }
    findings.push(...more(a.clockSkew.length, LIST_LIMIT));
  }
  if (a.unendedSpans.length > 0) {
    const counts = new Map<string, number>();
    for (const u of a.unendedSpans) counts.set(u.reason, (counts.get(u.reason) ?? 0) + 1);
    findings.push('', `Spans without a proper end (${a.unendedSpans.length}: ${[...counts].map(([r, n]) => `${n} ${r}`).join(', ')}):`);
    for (const u of a.unendedSpans.slice(0, 5)) findings.push(`  ${u.spanId} ${operationLabel(u)}: ${u.reason}`);
    findings.push(...more(a.unendedSpans.length, 5));
  }
  if (a.highCardinality.length > 0) {
    findings.push('', 'High-cardinality span names (put ids in attributes, not in the name):');
    for (const h of a.highCardinality.slice(0, LIST_LIMIT)) {
      findings.push(`  ${text(h.service)}: "${text(h.template)}" covers ${h.distinctNames} distinct names, e.g. ${h.exampleNames.slice(0, 2).map((n) => `"${text(n)}"`).join(', ')}`);
    }
  }
  out.push(...(findings.length > 0 ? findings : ['', 'No problems found.']));
  return out.join('\n');
}

/** A short readable report of a set of traces analysed together. */
export function formatMultiTraceAnalysis(m: MultiTraceAnalysis): string {
  const out: string[] = [`Analysed ${m.traceCount} trace${m.traceCount === 1 ? '' : 's'} together.`];
  if (m.criticalPathOperations.length > 0) {
    out.push('', 'Operations most often on the critical path:');
    out.push(
      ...table(
        ['TRACES', 'SHARE', 'MEAN % OF PATH', 'ON PATH (SUM)', 'OPERATION'],
        m.criticalPathOperations
          .slice(0, LIST_LIMIT)
          .map((r) => [String(r.traceCount), pct(r.share * 100), pct(r.meanCriticalPathPercent), ms(r.criticalPathUs), operationLabel(r)]),
        [true, true, true, true, false],
      ),
    );
  }
  if (m.propagationGaps.length > 0) {
    out.push('', 'Recurring propagation gaps:');
    for (const g of m.propagationGaps.slice(0, LIST_LIMIT)) {
      out.push(`  ${text(g.callerService)} → ${text(g.calleeService)}: ${g.count} call(s) in ${g.traceCount} trace(s), ${g.likelyCount} confirmed by the callee starting its own trace; e.g. ${g.exampleTraceIds[0] ?? ''}`);
    }
  }
  if (m.nPlusOne.length > 0) {
    out.push('', 'Recurring N+1 calls:');
    for (const n of m.nPlusOne.slice(0, LIST_LIMIT)) {
      out.push(`  ${operationLabel({ service: n.parentService, operation: n.parentOperation })} → ${text(n.operation)}: in ${n.traceCount} trace(s), ${n.totalCalls} calls, ${ms(n.totalUs)}`);
    }
  }
  if (m.highCardinality.length > 0) {
    out.push('', 'High-cardinality span names:');
    for (const h of m.highCardinality.slice(0, LIST_LIMIT)) out.push(`  ${text(h.service)}: "${text(h.template)}" covers ${h.distinctNames} distinct names`);
  }
  if (m.traces.length > 0) {
    out.push('', 'Per trace:');
    out.push(
      ...table(
        ['TRACE ID', 'SPANS', 'DURATION', 'PATH', 'N+1', 'PARALLEL', 'ORPHANS', 'GAPS', 'SKEW', 'TOP OF PATH'],
        m.traces.map((a) => [
          a.traceId,
          String(a.spanCount),
          ms(a.durationUs),
          String(a.criticalPath.length),
          String(a.nPlusOne.length),
          String(a.parallelizable.length),
          String(a.orphans.length),
          String(a.propagationGaps.length),
          String(a.clockSkew.length),
          a.bottlenecks[0] ? operationLabel(a.bottlenecks[0]) : '',
        ]),
        [false, true, true, true, true, true, true, true, true, false],
      ),
    );
  }
  return out.join('\n');
}
