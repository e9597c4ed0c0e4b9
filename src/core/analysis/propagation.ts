import { SpanKind, type Span } from '../model/trace';
import type { PropagationGap, SamplingIssue } from './analysisTypes';
import { isDatabaseCall, messagingDestination, peerAddresses, peerService, urlTemplate } from './spanAttributes';
import { calleeChildOf, spanEndUs, type SpanTree } from './spanTree';

/**
 * What is known about the services around the trace(s): which are instrumented, and which peer names/addresses
 * lead to which service (learned from calls whose callee span is present).
 */
export interface CallContext {
  /** Lowercase name → service name as the spans spell it. */
  readonly knownServices: ReadonlyMap<string, string>;
  /** Lowercase peer.service / host / IP / destination → the callee service seen answering it; ambiguous ones dropped. */
  readonly learned: ReadonlyMap<string, string>;
  /** `traceId/spanId` of every span some span links to. */
  readonly linkedSpans: ReadonlySet<string>;
  /** Peer keys per call span, computed once (they cost attribute scans and URL parsing). */
  readonly peerKeyCache: WeakMap<Span, readonly string[]>;
}

function cachedPeerKeys(span: Span, ctx: CallContext): readonly string[] {
  let keys = ctx.peerKeyCache.get(span);
  if (keys === undefined) {
    keys = peerKeys(span);
    ctx.peerKeyCache.set(span, keys);
  }
  return keys;
}

function isCall(span: Span): 'client' | 'producer' | undefined {
  if (span.kind === SpanKind.CLIENT) return 'client';
  if (span.kind === SpanKind.PRODUCER) return 'producer';
  return undefined;
}

function peerKeys(span: Span): string[] {
  const keys: string[] = [];
  const peer = peerService(span);
  if (peer !== undefined) keys.push(peer.toLowerCase());
  for (const a of peerAddresses(span)) if (!keys.includes(a)) keys.push(a);
  if (span.kind === SpanKind.PRODUCER) {
    const dest = messagingDestination(span);
    if (dest !== undefined) keys.push(`destination:${dest.toLowerCase()}`);
  }
  // A call without any peer or address still names a route: the same caller calling the same path template goes
  // to the same callee. Only ever resolved through what calls with a callee span taught.
  if (keys.length === 0) {
    const route = urlTemplate(span);
    if (route !== undefined) keys.push(`route:${span.service}|${span.name}|${route}`);
  }
  return keys;
}

export function buildCallContext(trees: readonly SpanTree[], extraKnownServices: readonly string[]): CallContext {
  const knownServices = new Map<string, string>();
  for (const name of extraKnownServices) if (name.trim() !== '') knownServices.set(name.trim().toLowerCase(), name.trim());
  const learned = new Map<string, string>();
  const ambiguous = new Set<string>();
  const linkedSpans = new Set<string>();
  const peerKeyCache = new WeakMap<Span, readonly string[]>();
  const ctx: CallContext = { knownServices, learned, linkedSpans, peerKeyCache };
  const seenServices = new Set<string>();
  for (const tree of trees) {
    const spans = tree.trace.spans;
    for (let v = 0; v < tree.size; v++) {
      const s = spans[v]!;
      if (!seenServices.has(s.service)) {
        seenServices.add(s.service);
        const lower = s.service.toLowerCase();
        if (!knownServices.has(lower)) knownServices.set(lower, s.service);
      }
      if (s.links.length > 0) for (const link of s.links) linkedSpans.add(`${link.traceId}/${link.spanId}`);
      if (!isCall(s)) continue;
      const c = calleeChildOf(tree, v);
      if (c < 0) continue;
      const child = spans[c]!;
      for (const key of cachedPeerKeys(s, ctx)) {
        if (ambiguous.has(key)) continue;
        const seen = learned.get(key);
        if (seen === undefined) learned.set(key, child.service);
        else if (seen !== child.service) {
          learned.delete(key);
          ambiguous.add(key);
        }
      }
    }
  }
  return ctx;
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':') || host.startsWith('[');
}

/**
 * The instrumented service a call goes to, if its attributes say: peer.service, server.address/net.peer.name,
 * the URL's host, an IP, (producers) the destination, or its route (same caller, operation and path template) —
 * matched against what calls with a callee span taught us, then against known service names (also the first DNS
 * label: `orders.prod.svc` → `orders`; a destination only when named exactly after a service).
 * Undefined for uninstrumented backends (databases, brokers such as kafka/rabbitmq, external APIs).
 */
export function resolveCallee(span: Span, ctx: CallContext): string | undefined {
  for (const key of cachedPeerKeys(span, ctx)) {
    const viaLearned = ctx.learned.get(key);
    if (viaLearned !== undefined) return viaLearned;
    if (key.startsWith('route:')) continue;
    if (key.startsWith('destination:')) {
      // A queue or topic named exactly after a service (`billing`) is that service's inbox.
      const inbox = ctx.knownServices.get(key.slice('destination:'.length));
      if (inbox !== undefined) return inbox;
      continue;
    }
    const direct = ctx.knownServices.get(key);
    if (direct !== undefined) return direct;
    if (!isIpAddress(key) && key.includes('.')) {
      const label = ctx.knownServices.get(key.slice(0, key.indexOf('.')));
      if (label !== undefined) return label;
    }
  }
  return undefined;
}

/** A callee's span that started a trace of its own during the call: evidence the context did not travel. */
export interface CrossTraceMatch {
  readonly traceId: string;
  readonly spanId: string;
  readonly service: string;
}

export interface CrossTraceMatcher {
  match(call: Span, kind: 'client' | 'producer', calleeService: string | undefined): CrossTraceMatch | undefined;
}

interface UncoveredCall {
  readonly span: Span;
  readonly node: number;
  readonly kind: 'client' | 'producer';
  readonly callee: string | undefined;
}

/**
 * Answered calls per (parent, service, operation, target), to recognise twins: a sibling that recorded the same call
 * (same service, operation and route/peer), overlapping in time, with the callee's span under it. Two
 * instrumentation layers (a wrapper and the HTTP client) each write a CLIENT span for one request; only one carries
 * the context, so the other is not a lost callee.
 */
class AnsweredCalls {
  private readonly groups = new Map<string, { starts: number[]; maxEnd: number[] }>();

  add(key: string, start: number, end: number): void {
    let g = this.groups.get(key);
    if (!g) {
      g = { starts: [], maxEnd: [] };
      this.groups.set(key, g);
    }
    g.starts.push(start);
    g.maxEnd.push(end);
  }

  /** Call after the last add: sorts by start and turns ends into running maxima. */
  seal(): void {
    for (const g of this.groups.values()) {
      const order = g.starts.map((_, i) => i).sort((a, b) => g.starts[a]! - g.starts[b]!);
      const starts = order.map((i) => g.starts[i]!);
      const ends = order.map((i) => g.maxEnd[i]!);
      for (let i = 1; i < ends.length; i++) ends[i] = Math.max(ends[i]!, ends[i - 1]!);
      g.starts = starts;
      g.maxEnd = ends;
    }
  }

  overlaps(key: string, start: number, end: number): boolean {
    const g = this.groups.get(key);
    if (!g) return false;
    // Last answered call starting at or before `end`; any of those ending at or after `start` overlaps.
    let lo = 0;
    let hi = g.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (g.starts[mid]! <= end) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && g.maxEnd[lo - 1]! >= start;
  }
}

const TWIN_SLACK_US = 1000;

function twinKey(tree: SpanTree, v: number, ctx: CallContext): string {
  const s = tree.trace.spans[v]!;
  return `${tree.parent[v]}\u0000${s.kind}\u0000${s.service}\u0000${s.name}\u0000${cachedPeerKeys(s, ctx).join('|')}`;
}

/**
 * Propagation gaps and missing-callee sampling, for one trace.
 *
 * A candidate is a CLIENT or PRODUCER span (not a database call) with no span of its callee under it — no
 * SERVER/CONSUMER child, no child in another service, and no span anywhere linking to it (a consumer that links
 * to its producer is fine: that is how batch messaging propagates), and no overlapping twin of the same call that
 * has the callee's span (double instrumentation). Then:
 * - the callee answered in another trace at the same time (cross-trace matcher) → gap, `likely`;
 * - else, the callee resolves to an instrumented service other than the caller's own (brokers and databases do
 *   not resolve) and
 *   - other calls from the same caller to that callee in this trace DO have the callee's span → the callee
 *     dropped some of them: a sampling issue (`missing-callee-spans`), not propagation;
 *   - no call to it has → gap, `possible`.
 */
export function analyzePropagation(
  tree: SpanTree,
  ctx: CallContext,
  exampleLimit: number,
  crossTrace?: CrossTraceMatcher,
): { gaps: PropagationGap[]; samplingIssues: SamplingIssue[] } {
  const spans = tree.trace.spans;
  const traceId = tree.trace.traceId;
  const covered = new Map<string, number>();
  let uncovered: UncoveredCall[] = [];
  for (let v = 0; v < tree.size; v++) {
    const s = spans[v]!;
    const kind = isCall(s);
    if (!kind || isDatabaseCall(s)) continue;
    const c = calleeChildOf(tree, v);
    if (c >= 0) {
      const child = spans[c]!;
      const pair = `${s.service}\u0000${child.service}`;
      covered.set(pair, (covered.get(pair) ?? 0) + 1);
      continue;
    }
    if (ctx.linkedSpans.size > 0 && ctx.linkedSpans.has(`${s.traceId}/${s.spanId}`)) continue;
    uncovered.push({ span: s, kind, callee: resolveCallee(s, ctx), node: v });
  }
  if (uncovered.length > 0) {
    // Twins are siblings: only the parents of unanswered calls need their answered calls indexed.
    const parents = new Set<number>();
    for (const call of uncovered) if (tree.parent[call.node]! >= 0) parents.add(tree.parent[call.node]!);
    const answered = new AnsweredCalls();
    for (const p of parents) {
      for (let k = tree.childStart[p]!; k < tree.childStart[p + 1]!; k++) {
        const v = tree.childList[k]!;
        const s = spans[v]!;
        if (isCall(s) && calleeChildOf(tree, v) >= 0) answered.add(twinKey(tree, v, ctx), s.startTimeUs, spanEndUs(s));
      }
    }
    answered.seal();
    // A little slack: a twin often starts a few µs after, and an unended (zero-length) span has no real end.
    uncovered = uncovered.filter(
      (call) => !answered.overlaps(twinKey(tree, call.node, ctx), call.span.startTimeUs - TWIN_SLACK_US, spanEndUs(call.span) + TWIN_SLACK_US),
    );
  }

  const gaps: PropagationGap[] = [];
  const missing = new Map<string, { caller: string; callee: string; spanIds: string[]; count: number }>();
  for (const call of uncovered) {
    const s = call.span;
    const matched = crossTrace?.match(s, call.kind, call.callee);
    const base = { traceId, spanId: s.spanId, callerService: s.service, operation: s.name, spanKind: call.kind, startUs: s.startTimeUs, endUs: spanEndUs(s) };
    if (matched) {
      gaps.push({
        ...base,
        calleeService: matched.service,
        confidence: 'likely',
        evidence: `${matched.service} recorded span ${matched.spanId} in trace ${matched.traceId} during this call, as the start of a new trace: the trace context did not reach it.`,
        matchedTraceId: matched.traceId,
        matchedSpanId: matched.spanId,
      });
      continue;
    }
    if (call.callee === undefined || call.callee === s.service) continue;
    const pair = `${s.service}\u0000${call.callee}`;
    if ((covered.get(pair) ?? 0) > 0) {
      let m = missing.get(pair);
      if (!m) {
        m = { caller: s.service, callee: call.callee, spanIds: [], count: 0 };
        missing.set(pair, m);
      }
      m.count++;
      if (m.spanIds.length < exampleLimit) m.spanIds.push(s.spanId);
      continue;
    }
    gaps.push({
      ...base,
      calleeService: call.callee,
      confidence: 'possible',
      evidence: `${call.callee} is instrumented but no span of it answers this ${call.kind === 'client' ? 'call' : 'message'} in the trace, and no other call from ${s.service} to ${call.callee} in it has one.`,
    });
  }
  const samplingIssues: SamplingIssue[] = [...missing.entries()].map(([pair, m]) => {
    const withCallee = covered.get(pair) ?? 0;
    return {
      kind: 'missing-callee-spans',
      callerService: m.caller,
      calleeService: m.callee,
      callsWithCalleeSpan: withCallee,
      callsWithoutCalleeSpan: m.count,
      exampleSpanIds: m.spanIds,
      message: `${m.count} of ${m.count + withCallee} calls from ${m.caller} to ${m.callee} have no ${m.callee} span while the others do: ${m.callee} dropped part of a sampled trace (its sampler does not follow the parent's decision, or it is rate-limited).`,
    };
  });
  return { gaps, samplingIssues };
}
