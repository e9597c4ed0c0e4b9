import { SpanKind, type Span } from '../model/trace';
import type { ParallelizableFinding } from './analysisTypes';
import { callTarget, isDatabaseCall, normalizedStatement, urlTemplate } from './spanAttributes';
import { calleeChildOf, spanEndUs, type SpanTree } from './spanTree';

// Calls whose result later calls typically need: credentials, locks, transactions, sessions, connections.
const GATEKEEPER = /(^|[^a-z])(auth\w*|login|sign[-_ ]?in|token|oauth|lock|acquire|begin|start[-_ ]?transaction|txn|session|connect|handshake|resolve|lookup|discover\w*)([^a-z]|$)/i;
// Calls that must come after the ones before them: they close what those opened.
const FINISHER = /(^|[^a-z])(commit|rollback|release|unlock|end[-_ ]?transaction|close|logout|sign[-_ ]?out)([^a-z]|$)/i;

/** What a call does, for the gatekeeper/finisher tests: its name, statement and route. */
function callText(span: Span): string {
  return `${span.name} ${normalizedStatement(span) ?? ''} ${urlTemplate(span) ?? ''}`;
}

/**
 * Sequential calls that could have run in parallel. Conservative: a trace shows timing, not data flow, so a pair
 * of calls is only treated as independent when nothing visible suggests the second needs the first. Among the
 * CLIENT and database children of one parent whose target is known (the service of the callee's span under the call,
 * else peer.service, database, host or destination from the attributes; calls with no known target end a run),
 * in start order, a run of calls grows while each call
 * - starts after every earlier call of the run ended (no overlap: they really ran one after another),
 * - talks to a target (peer service, database, host) no earlier call of the run talked to (same backend suggests
 *   a session, transaction or ordered protocol),
 * - does not follow a call that failed (it may be the fallback), nor a "gatekeeper" (auth, token, lock, begin,
 *   session, connect, lookup…: its result is usually an input), and is not itself a "finisher" (commit,
 *   rollback, release, close…).
 * Each run of two or more calls whose potential saving (sum of durations − the longest) reaches `minSavingUs`
 * is reported.
 */
export function findParallelizable(tree: SpanTree, options: { readonly minSavingUs: number }): ParallelizableFinding[] {
  const spans = tree.trace.spans;
  const findings: ParallelizableFinding[] = [];
  const run: number[] = [];
  let runEnd = -Infinity;
  const runTargets = new Set<string>();
  const targets = new Map<number, string>();

  const flush = (p: number): void => {
    if (run.length >= 2) {
      let totalUs = 0;
      let longestUs = 0;
      for (const c of run) {
        const d = spanEndUs(spans[c]!) - spans[c]!.startTimeUs;
        totalUs += d;
        if (d > longestUs) longestUs = d;
      }
      const saving = totalUs - longestUs;
      if (saving > 0 && saving >= options.minSavingUs) {
        const parent = spans[p]!;
        findings.push({
          parentSpanId: parent.spanId,
          parentService: parent.service,
          parentOperation: parent.name,
          spanIds: run.map((c) => spans[c]!.spanId),
          operations: run.map((c) => spans[c]!.name),
          targets: run.map((c) => targets.get(c)!),
          totalUs,
          longestUs,
          potentialSavingUs: saving,
        });
      }
    }
    run.length = 0;
    runTargets.clear();
    targets.clear();
    runEnd = -Infinity;
  };

  for (let p = 0; p < tree.size; p++) {
    const from = tree.childStart[p]!;
    const to = tree.childStart[p + 1]!;
    if (to - from < 2) continue;
    for (let k = from; k < to; k++) {
      const c = tree.childList[k]!;
      if (tree.adopted[c] === 1) continue;
      const s = spans[c]!;
      if (s.kind !== SpanKind.CLIENT && !isDatabaseCall(s)) continue;
      const callee = calleeChildOf(tree, c);
      const target = callee >= 0 ? `service:${spans[callee]!.service}` : callTarget(s);
      if (target === undefined) {
        flush(p);
        continue;
      }
      if (run.length > 0) {
        const prev = spans[run[run.length - 1]!]!;
        // Cheap tests first: the name tests normalise statements and URLs.
        const independent =
          s.startTimeUs >= runEnd && !runTargets.has(target) && !prev.error && !GATEKEEPER.test(callText(prev)) && !FINISHER.test(callText(s));
        if (!independent) flush(p);
      }
      run.push(c);
      runTargets.add(target);
      targets.set(c, target);
      runEnd = Math.max(runEnd, spanEndUs(s));
    }
    flush(p);
  }
  return findings.sort((x, y) => y.potentialSavingUs - x.potentialSavingUs);
}
