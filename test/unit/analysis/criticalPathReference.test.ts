import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { computeCriticalPath, computeEffectiveTimes } from '../../../src/core/analysis/criticalPath';
import { buildSpanTree } from '../../../src/core/analysis/spanTree';
import { SpanKind, type Span, type Trace } from '../../../src/core/model/trace';
import { parseTraceDocument } from '../../../src/core/model/traceDocument';
import { fixturePath } from '../../support/fixtures';
import { buildTrace, type SpanSpec } from '../../support/traceBuilder';

/**
 * A second, deliberately separate implementation of the critical-path rule, written from its description only:
 * recursive, object-based, no shared helpers with src/core/analysis. If both agree on every fixture and on many
 * random traces, a slip in either is unlikely to be shared.
 */
interface RefSegment {
  span: number;
  from: number;
  to: number;
  wait: boolean;
}

function referenceCriticalPath(trace: Trace): { segments: RefSegment[]; ids: string[]; start: number; end: number } {
  const spans = trace.spans;
  const endOf = (s: Span): number => s.startTimeUs + (s.durationUs > 0 ? s.durationUs : 0);
  const first = new Map<string, number>();
  spans.forEach((s, i) => {
    if (!first.has(s.spanId)) first.set(s.spanId, i);
  });
  const parentOf: (number | undefined)[] = spans.map((s, i) => {
    const p = s.parentSpanId === undefined ? undefined : first.get(s.parentSpanId);
    return p === i ? undefined : p;
  });
  const adopted = new Set<number>();
  const ancestors = (i: number): Set<number> => {
    const seen = new Set<number>();
    for (let x: number | undefined = i; x !== undefined && !seen.has(x); x = parentOf[x]) seen.add(x);
    return seen;
  };
  spans.forEach((s, i) => {
    if (parentOf[i] !== undefined) return;
    for (const l of s.links) {
      if (l.traceId !== s.traceId) continue;
      const t = first.get(l.spanId);
      if (t === undefined || t === i || ancestors(t).has(i)) continue;
      parentOf[i] = t;
      adopted.add(i);
      break;
    }
  });
  const kids: number[][] = spans.map(() => []);
  parentOf.forEach((p, i) => {
    if (p !== undefined) kids[p]!.push(i);
  });

  const isAsync = (i: number): boolean => {
    const c = spans[i]!;
    const p = spans[parentOf[i]!]!;
    if (adopted.has(i) && !c.links.some((l) => l.kind === 'child_of' && l.spanId === p.spanId)) return true;
    if (c.parentRefType === 'follows_from' && c.parentSpanId === p.spanId) return true;
    if (c.links.some((l) => l.kind === 'follows_from' && l.spanId === p.spanId)) return true;
    if (c.kind === SpanKind.CONSUMER || p.kind === SpanKind.PRODUCER) return true;
    if (c.service === p.service) return true;
    return !(p.kind === SpanKind.CLIENT || p.kind === undefined);
  };

  const eff = new Map<number, { s: number; e: number }>();
  const setEff = (i: number, box: { s: number; e: number } | undefined): void => {
    const sp = spans[i]!;
    let s: number;
    let e: number;
    if (box === undefined) {
      s = sp.startTimeUs;
      e = endOf(sp);
    } else if (isAsync(i)) {
      s = Math.max(sp.startTimeUs, box.s);
      e = Math.max(endOf(sp), s);
    } else {
      s = Math.min(Math.max(sp.startTimeUs, box.s), box.e);
      e = Math.min(Math.max(endOf(sp), s), box.e);
    }
    eff.set(i, { s, e });
    for (const k of kids[i]!) setEff(k, { s, e });
  };
  const roots = spans.map((_, i) => i).filter((i) => parentOf[i] === undefined);
  for (const r of roots) setEff(r, undefined);
  const reachMemo = new Map<number, number>();
  const reach = (i: number): number => {
    const known = reachMemo.get(i);
    if (known !== undefined) return known;
    const r = Math.max(eff.get(i)!.e, ...kids[i]!.map(reach));
    reachMemo.set(i, r);
    return r;
  };

  const trueRoots = roots.filter((r) => spans[r]!.parentSpanId === undefined);
  const pool = trueRoots.length > 0 ? trueRoots : roots;
  const root =
    trueRoots.length === 1
      ? trueRoots[0]!
      : pool.reduce((best, r) => (reach(r) > reach(best) || (reach(r) === reach(best) && eff.get(r)!.s < eff.get(best)!.s) ? r : best));

  const entered: number[] = [];
  // Returns the span's part of the path, chronological.
  const walk = (i: number, until: number): RefSegment[] => {
    entered.push(i);
    const me = eff.get(i)!;
    const ordered = [...kids[i]!].sort((a, b) => reach(b) - reach(a) || eff.get(b)!.s - eff.get(a)!.s || a - b);
    const pieces: RefSegment[][] = [];
    let cursor = until;
    let last: number | undefined;
    const gap = (from: number, to: number): void => {
      const own: RefSegment[] = [];
      if (last !== undefined && to > me.e) {
        const cut = Math.max(from, me.e);
        if (to > cut) own.push({ span: last, from: cut, to, wait: true });
        to = cut;
      }
      if (to > from) own.unshift({ span: i, from, to, wait: false });
      pieces.unshift(own);
    };
    for (const k of ordered) {
      if (reach(k) > cursor) continue;
      gap(reach(k), cursor);
      pieces.unshift(walk(k, reach(k)));
      cursor = eff.get(k)!.s;
      last = k;
    }
    gap(me.s, cursor);
    return pieces.flat();
  };
  const raw = walk(root, reach(root));
  const segments: RefSegment[] = [];
  for (const s of raw) {
    const prev = segments[segments.length - 1];
    if (prev && prev.span === s.span && prev.wait === s.wait && prev.to === s.from) prev.to = s.to;
    else segments.push({ ...s });
  }
  const holding = new Set(segments.map((s) => s.span));
  holding.add(root);
  let grew = true;
  while (grew) {
    grew = false;
    for (const i of entered) {
      const p = parentOf[i];
      if (holding.has(i) && i !== root && p !== undefined && !holding.has(p)) {
        holding.add(p);
        grew = true;
      }
    }
  }
  const ids: string[] = [];
  entered
    .map((node, order) => ({ node, order }))
    .filter((x) => holding.has(x.node))
    .sort((a, b) => eff.get(a.node)!.s - eff.get(b.node)!.s || a.order - b.order)
    .forEach((x) => {
      const id = spans[x.node]!.spanId;
      if (!ids.includes(id)) ids.push(id);
    });
  return { segments, ids, start: eff.get(root)!.s, end: reach(root) };
}

function compareWithReference(trace: Trace, label: string): void {
  const tree = buildSpanTree(trace);
  const times = computeEffectiveTimes(tree);
  const path = computeCriticalPath(tree, times);
  const ref = referenceCriticalPath(trace);
  assert.deepEqual(
    path.segments.map((s) => [s.spanIndex, s.startUs, s.endUs, s.kind === 'async-wait']),
    ref.segments.map((s) => [s.span, s.from, s.to, s.wait]),
    `${label}: segments differ`,
  );
  assert.deepEqual(path.spanIds, ref.ids, `${label}: path span ids differ`);
  assert.equal(path.startUs, ref.start, `${label}: start`);
  assert.equal(path.endUs, ref.end, `${label}: end`);

  // Time-sweep invariants: the segments tile [start, end] without holes or overlaps; a self segment lies inside its
  // span's effective interval; a wait segment lies before its span's effective start.
  let t = path.startUs;
  for (const s of path.segments) {
    assert.equal(s.startUs, t, `${label}: hole or overlap at ${t}`);
    assert.ok(s.endUs > s.startUs, `${label}: empty segment`);
    if (s.kind === 'self') {
      assert.ok(s.startUs >= times.start[s.spanIndex]! && s.endUs <= times.end[s.spanIndex]!, `${label}: self segment outside its span`);
    } else {
      assert.ok(s.endUs <= times.start[s.spanIndex]!, `${label}: wait segment after its span started`);
    }
    t = s.endUs;
  }
  assert.equal(t, path.endUs, `${label}: path does not reach its end`);
}

const traceFixtures = [
  'zipkin/smartthings-mobile-web-install.zipkin2.json',
  'zipkin/yelp.zipkin2.json',
  'zipkin/messaging-kafka.zipkin2.json',
  'zipkin/messaging2.zipkin2.json',
  'zipkin/ascend.zipkin2.json',
  'zipkin/skew.zipkin2.json',
  'jaeger/ui_01.v1trace.json',
  'jaeger/memory_otel_traces_01.otlp.json',
  'jaeger/integration_link_attributes_trace.otlp.json',
  'jaeger/transform_otlp2jaeger-in.otlp.json',
  'jaeger/transform_otlp2jaeger-out.v1envelope.json',
  'jaeger/apiv3_snapshot_GetTrace.json',
  'jaeger/apiv3_snapshot_FindTraces.json',
  'jaeger-ui/petclinic_spanAmongEachOtherGroupedAndSpans.v1trace.json',
  'jaeger-ui/petclinic_spanLongerAsParent.v1trace.json',
  'jaeger-ui/petclinic_testTraceNormal.v1trace.json',
  'jaeger-ui/otlp2jaeger-multi-in-combined.otlp.json',
  'jaeger-analytics-java/ui-trace.v1envelope.json',
  'otel-proto/trace.otlp.json',
];

/** Deterministic PRNG (mulberry32) so random cases replay. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomTrace(seed: number): Trace {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const kinds = ['server', 'client', 'producer', 'consumer', 'internal', undefined] as const;
  const services = ['a', 'b', 'c'];
  const n = 2 + Math.floor(r() * 40);
  const specs: SpanSpec[] = [];
  for (let i = 0; i < n; i++) {
    const parent = i === 0 || r() < 0.05 ? (r() < 0.5 ? undefined : 'gone') : `s${Math.floor(r() * i)}`;
    const parentSpec = specs.find((s) => s.id === parent);
    const base = parentSpec ? parentSpec.start + Math.floor(r() * ((parentSpec.duration ?? 0) + 20)) - 5 : Math.floor(r() * 100);
    const kind = pick(kinds);
    specs.push({
      id: `s${i}`,
      ...(parent === undefined ? {} : { parent }),
      service: pick(services),
      ...(kind === undefined ? {} : { kind }),
      start: base,
      duration: r() < 0.05 ? 0 : Math.floor(r() * 120),
      ...(parent !== undefined && r() < 0.1 ? { followsFrom: true } : {}),
      ...(parent === undefined && i > 0 && r() < 0.5 ? { links: [{ spanId: `s${Math.floor(r() * i)}`, kind: pick(['link', 'follows_from', 'child_of'] as const) }] } : {}),
    });
  }
  return buildTrace(specs, `random-${seed}`);
}

describe('critical path agrees with an independent reference implementation', () => {
  for (const rel of traceFixtures) {
    it(`on ${rel}`, () => {
      const traces = parseTraceDocument(fs.readFileSync(fixturePath(rel), 'utf8'), rel);
      assert.ok(traces.length > 0);
      for (const trace of traces) compareWithReference(trace, `${rel} ${trace.traceId}`);
    });
  }

  it('on 300 random traces with async edges, links, orphans, zero durations and skew', () => {
    for (let seed = 1; seed <= 300; seed++) compareWithReference(randomTrace(seed), `seed ${seed}`);
  });

  it('finds a long path on the 957-span smartthings trace that spans its whole duration', () => {
    const rel = 'zipkin/smartthings-mobile-web-install.zipkin2.json';
    const [trace] = parseTraceDocument(fs.readFileSync(fixturePath(rel), 'utf8'), rel);
    const path = computeCriticalPath(buildSpanTree(trace!));
    const root = trace!.spans.find((s) => s.parentSpanId === undefined)!;
    assert.equal(path.rootSpanId, root.spanId);
    assert.equal(path.spanIds[0], root.spanId);
    const lastEnd = Math.max(...trace!.spans.map((s) => s.startTimeUs + s.durationUs));
    // The session's later page loads hang off the first request asynchronously; the path follows them to the end.
    assert.equal(path.endUs, lastEnd);
    assert.ok(path.spanIds.length > 50, `path has ${path.spanIds.length} spans`);
  });
});
