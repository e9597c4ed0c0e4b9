import type { NPlusOneFinding } from './analysisTypes';
import { isOutgoingCall, normalizedStatement, peerAddresses, peerService, urlTemplate } from './spanAttributes';
import { spanEndUs, type SpanTree } from './spanTree';

interface Group {
  readonly members: number[];
  readonly statement: string | undefined;
  readonly url: string | undefined;
  readonly peer: string | undefined;
}

/**
 * N+1 calls: under one parent, at least `minCount` outgoing calls (CLIENT/PRODUCER, database or HTTP-client spans)
 * of the same operation that are "the same call": equal normalised statement, else equal URL path template, else
 * equal peer, else just the same operation name — and that ran mostly one after another (the union of their
 * intervals is at least `minSequentialRatio` of the sum of their durations). A loop issuing one query per item.
 */
export function findNPlusOne(
  tree: SpanTree,
  options: { readonly minCount: number; readonly minSequentialRatio: number; readonly exampleLimit: number },
): NPlusOneFinding[] {
  const spans = tree.trace.spans;
  const findings: NPlusOneFinding[] = [];
  for (let p = 0; p < tree.size; p++) {
    const from = tree.childStart[p]!;
    const to = tree.childStart[p + 1]!;
    if (to - from < options.minCount) continue;
    const groups = new Map<string, Group>();
    for (let k = from; k < to; k++) {
      const c = tree.childList[k]!;
      if (tree.adopted[c] === 1) continue;
      const s = spans[c]!;
      if (!isOutgoingCall(s)) continue;
      const statement = normalizedStatement(s);
      const url = statement === undefined ? urlTemplate(s) : undefined;
      const peer = statement === undefined && url === undefined ? (peerService(s) ?? peerAddresses(s)[0]) : undefined;
      const key = `${s.service}\u0000${s.name}\u0000${statement ?? ''}\u0000${url ?? ''}\u0000${peer ?? ''}`;
      let g = groups.get(key);
      if (!g) {
        g = { members: [], statement, url, peer };
        groups.set(key, g);
      }
      g.members.push(c);
    }
    for (const g of groups.values()) {
      if (g.members.length < options.minCount) continue;
      const ordered = [...g.members].sort((x, y) => spans[x]!.startTimeUs - spans[y]!.startTimeUs);
      let totalUs = 0;
      let wallUs = 0;
      let reached = -Infinity;
      for (const c of ordered) {
        const a = spans[c]!.startTimeUs;
        const b = spanEndUs(spans[c]!);
        totalUs += b - a;
        if (b > reached) {
          wallUs += b - Math.max(a, reached);
          reached = b;
        }
      }
      if (totalUs <= 0) continue;
      const ratio = wallUs / totalUs;
      if (ratio < options.minSequentialRatio) continue;
      const first = spans[ordered[0]!]!;
      const parent = spans[p]!;
      findings.push({
        parentSpanId: parent.spanId,
        parentService: parent.service,
        parentOperation: parent.name,
        service: first.service,
        operation: first.name,
        ...(g.statement === undefined ? {} : { statement: g.statement }),
        ...(g.url === undefined ? {} : { urlTemplate: g.url }),
        ...(g.peer === undefined ? {} : { peer: g.peer }),
        count: ordered.length,
        totalUs,
        wallUs,
        sequentialRatio: ratio,
        exampleSpanIds: ordered.slice(0, options.exampleLimit).map((c) => spans[c]!.spanId),
      });
    }
  }
  return findings.sort((x, y) => y.totalUs - x.totalUs);
}
