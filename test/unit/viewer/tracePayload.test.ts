import * as assert from 'node:assert/strict';
import type { Trace } from '../../../src/core/model/trace';
import { parseTraceDocument } from '../../../src/core/model/traceDocument';
import { analyzeTrace } from '../../../src/core/analysis/analyzeTrace';
import { buildSpanTree } from '../../../src/core/analysis/spanTree';
import { buildTracePayload } from '../../../src/core/export/tracePayload';
import { analyzeForPayload, buildAnalyzedPayload, payloadAnalysis } from '../../../src/core/export/payloadAnalysis';
import { ATTRIBUTE_TYPES, describePayloadProblem, isTracePayload, SpanFlag, type TracePayload } from '../../../src/shared/viewModelPayload';
import { listFixtures, readFixture } from '../../support/fixtures';
import { buildTrace } from '../../support/traceBuilder';

/** Every fixture that parses as traces (some fixtures are metrics or dependency lists). */
function fixtureTraces(): Array<{ name: string; trace: Trace }> {
  const out: Array<{ name: string; trace: Trace }> = [];
  for (const name of listFixtures()) {
    let traces: Trace[];
    try {
      traces = parseTraceDocument(readFixture(name), name);
    } catch {
      continue;
    }
    for (const trace of traces) out.push({ name, trace });
  }
  return out;
}

const traces = fixtureTraces();
const bigTrace = (): Trace => traces.find((t) => t.name.includes('smartthings'))!.trace;

describe('trace payload (host side)', () => {
  it('finds the fixture traces', () => {
    assert.ok(traces.length >= 12, `only ${traces.length} fixture traces parsed`);
    assert.ok(bigTrace().spans.length > 900);
  });

  for (const { name, trace } of traces) {
    it(`builds a valid payload for ${name} ${trace.traceId.slice(-8)}`, () => {
      const payload = buildAnalyzedPayload(trace, { source: name });
      assert.equal(describePayloadProblem(payload), undefined);
      assert.equal(payload.spanCount, trace.spans.length);
      // The payload is plain JSON: it survives postMessage/JSON embedding unchanged.
      const copy: unknown = JSON.parse(JSON.stringify(payload));
      assert.deepEqual(copy, payload);
      assert.ok(isTracePayload(copy));
      // Every span appears once, with its own id.
      assert.deepEqual([...payload.spans.id].sort(), trace.spans.map((s) => s.spanId).sort());
    });
  }

  it('keeps each span with its parent and children in pre-order (smartthings, 957 spans)', () => {
    const trace = bigTrace();
    const payload = buildTracePayload(trace, { source: 'x' });
    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    const tree = buildSpanTree(trace);
    for (let i = 0; i < payload.spanCount; i++) {
      const span = byId.get(payload.spans.id[i]!)!;
      const p = payload.spans.parent[i]!;
      const v = tree.indexById.get(span.spanId)!;
      const treeParent = tree.parent[v]!;
      if (treeParent < 0) assert.equal(p, -1);
      else assert.equal(payload.spans.id[p], trace.spans[treeParent]!.spanId);
      if (span.parentSpanId !== undefined && byId.has(span.parentSpanId)) assert.equal(payload.spans.id[p], span.parentSpanId);
      assert.equal(payload.strings[payload.spans.name[i]!], span.name);
      assert.equal(payload.strings[payload.services[payload.spans.service[i]!]!], span.service);
      assert.equal(payload.spans.start[i], span.startTimeUs - payload.startUs);
      assert.equal(payload.spans.duration[i], span.durationUs);
      assert.equal((payload.spans.flags[i]! & SpanFlag.error) !== 0, span.error);
    }
    // Children are ordered by start time under each parent.
    const lastChildStart = new Map<number, number>();
    for (let i = 0; i < payload.spanCount; i++) {
      const p = payload.spans.parent[i]!;
      const previous = lastChildStart.get(p) ?? -Infinity;
      assert.ok(payload.spans.start[i]! >= previous, `span ${i} starts before its previous sibling`);
      lastChildStart.set(p, payload.spans.start[i]!);
    }
    assert.equal(payload.services.length, new Set(trace.spans.map((s) => s.service)).size);
  });

  it('carries typed attributes, events relative to the trace start, links and resources (jaeger ui_01)', () => {
    const trace = parseTraceDocument(readFixture('jaeger/ui_01.v1trace.json'), 'ui_01')[0]!;
    const payload = buildTracePayload(trace, { source: 'ui_01' });
    const s = payload.strings;
    let checkedAttributes = 0;
    let checkedEvents = 0;
    let checkedLinks = 0;
    for (let i = 0; i < payload.spanCount; i++) {
      const span = trace.spans.find((x) => x.spanId === payload.spans.id[i])!;
      const attrs = [];
      for (let a = payload.spans.attrStart[i]!; a < payload.spans.attrStart[i + 1]!; a++) {
        attrs.push({ key: s[payload.attrs.key[a]!], type: ATTRIBUTE_TYPES[payload.attrs.type[a]!], value: s[payload.attrs.value[a]!] });
      }
      assert.deepEqual(attrs, span.attributes.map((a) => ({ key: a.key, type: a.type, value: String(a.value) })));
      checkedAttributes += attrs.length;
      const events = [];
      for (let e = payload.spans.eventStart[i]!; e < payload.spans.eventStart[i + 1]!; e++) {
        events.push({ at: payload.events.time[e]! + payload.startUs, name: s[payload.events.name[e]!], attrs: payload.events.attrStart[e + 1]! - payload.events.attrStart[e]! });
      }
      assert.deepEqual(events, span.events.map((e) => ({ at: e.timeUs, name: e.name, attrs: e.attributes.length })));
      checkedEvents += events.length;
      const links = [];
      for (let k = payload.spans.linkStart[i]!; k < payload.spans.linkStart[i + 1]!; k++) links.push(`${s[payload.links.traceId[k]!]}/${s[payload.links.spanId[k]!]}`);
      assert.deepEqual(links, span.links.map((l) => `${l.traceId}/${l.spanId}`));
      checkedLinks += links.length;
      const r = payload.spans.resource[i]!;
      const resource = [];
      if (r >= 0) for (let a = payload.resourceAttrStart[r]!; a < payload.resourceAttrStart[r + 1]!; a++) resource.push(`${s[payload.attrs.key[a]!]}=${s[payload.attrs.value[a]!]}`);
      assert.deepEqual(resource, span.resource.map((a) => `${a.key}=${String(a.value)}`));
    }
    // ui_01 covers every tag type, logs and references: the checks above must have seen them.
    assert.ok(checkedAttributes >= 5, `attributes ${checkedAttributes}`);
    assert.ok(checkedEvents >= 2, `events ${checkedEvents}`);
    assert.ok(checkedLinks >= 1, `links ${checkedLinks}`);
    const types = new Set(payload.attrs.type.map((t) => ATTRIBUTE_TYPES[t]));
    for (const t of ['string', 'int64', 'float64', 'binary'] as const) assert.ok(types.has(t), `no ${t} attribute`);
  });

  it('stores each distinct resource once, shared by the spans of one process', () => {
    const trace = bigTrace();
    const payload = buildTracePayload(trace, { source: 'x' });
    const used = new Set(payload.spans.resource.filter((r) => r >= 0));
    const distinct = new Set(trace.spans.filter((s) => s.resource.length > 0).map((s) => JSON.stringify(s.resource)));
    assert.equal(payload.resourceAttrStart.length - 1, distinct.size);
    assert.equal(used.size, distinct.size);
    assert.ok(distinct.size < trace.spans.length / 2, `${distinct.size} resources`);
  });

  it('asks hasSource once per service and operation and flags the spans it maps', () => {
    const trace = bigTrace();
    const asked: string[] = [];
    const payload = buildTracePayload(trace, {
      source: 'x',
      hasSource: (span) => {
        asked.push(`${span.service}/${span.name}`);
        return span.name === 'post /oauth/check_token';
      },
    });
    assert.equal(asked.length, new Set(asked).size);
    assert.equal(asked.length, new Set(trace.spans.map((s) => `${s.service}/${s.name}`)).size);
    const flagged = payload.spans.name.filter((_, i) => (payload.spans.flags[i]! & SpanFlag.hasSource) !== 0).map((n) => payload.strings[n]);
    assert.ok(flagged.length > 0);
    assert.ok(flagged.every((n) => n === 'post /oauth/check_token'));
    assert.equal(flagged.length, trace.spans.filter((s) => s.name === 'post /oauth/check_token').length);
  });

  it('maps the analysis critical path and self time onto payload rows', () => {
    const trace = bigTrace();
    const analysis = analyzeTrace(trace);
    const payload = buildAnalyzedPayload(trace, { source: 'x' });
    const a = payload.analysis!;
    assert.deepEqual(a.criticalPath.map((i) => payload.spans.id[i]), [...analysis.criticalPath]);
    const selfById = new Map(trace.spans.map((s, i) => [s.spanId, analysis.selfTime.spanSelfUs[i]!]));
    for (let i = 0; i < payload.spanCount; i++) assert.equal(a.selfUs[i], selfById.get(payload.spans.id[i]!));
    const analyzed = payloadAnalysis(analysis);
    assert.equal(a.findings.length, analyzed.findings.length);
    for (const f of a.findings) assert.ok(f.message.length > 0);
  });

  it('analyses a payload built without analysis to the same rows (the panel sends large traces first)', () => {
    const trace = bigTrace();
    const plain = buildTracePayload(trace, { source: 'x' });
    assert.equal(plain.analysis, undefined);
    const later = analyzeForPayload(trace, plain);
    const together = buildAnalyzedPayload(trace, { source: 'x' }).analysis!;
    assert.deepEqual(later.criticalPath, together.criticalPath);
    assert.deepEqual(later.selfUs, together.selfUs);
    assert.deepEqual(later.findings, together.findings);
    assert.equal(describePayloadProblem({ ...plain, analysis: later }), undefined);
  });

  it('puts orphans at the root with the orphan flag, and breaks parent cycles', () => {
    const trace = buildTrace([
      { id: 'a', start: 0, duration: 100 },
      { id: 'b', parent: 'a', start: 10, duration: 50 },
      { id: 'o', parent: 'missing', start: 20, duration: 5 },
      { id: 'x', parent: 'y', start: 30, duration: 5 },
      { id: 'y', parent: 'x', start: 31, duration: 5 },
    ]);
    const payload = buildTracePayload(trace, { source: 'hand-built' });
    assert.equal(describePayloadProblem(payload), undefined);
    const row = (id: string): number => payload.spans.id.indexOf(id);
    assert.equal(payload.spans.parent[row('o')], -1);
    assert.ok((payload.spans.flags[row('o')]! & SpanFlag.orphan) !== 0);
    assert.equal(payload.spans.parent[row('b')], row('a'));
    const cycle = [row('x'), row('y')];
    assert.equal(cycle.filter((r) => payload.spans.parent[r] === -1).length, 1);
  });

  it('handles an empty trace', () => {
    const payload = buildAnalyzedPayload({ traceId: 'e'.repeat(32), spans: [], warnings: [] }, { source: 'empty' });
    assert.equal(describePayloadProblem(payload), undefined);
    assert.equal(payload.spanCount, 0);
    assert.equal(payload.durationUs, 0);
  });
});

describe('payload validation (view side)', () => {
  const valid = (): TracePayload => JSON.parse(JSON.stringify(buildAnalyzedPayload(bigTrace(), { source: 'x' }))) as TracePayload;
  type Mutable = { -readonly [K in keyof TracePayload]: unknown } & { spans: Record<string, unknown[]> };

  const cases: Array<[string, (p: Mutable) => void, RegExp]> = [
    ['a string index past the table', (p) => (p.spans['name']![3] = 1e9), /spans\.name/],
    ['a fractional index', (p) => (p.spans['service']![0] = 0.5), /spans\.service/],
    ['a parent after its child', (p) => (p.spans['parent']![1] = 5), /pre-order|spans\.parent/],
    ['a column of the wrong length', (p) => p.spans['flags']!.pop(), /spans\.flags/],
    ['a non-number in a column', (p) => (p.spans['start']![2] = '12'), /spans\.start/],
    ['an infinite duration', (p) => (p.spans['duration']![2] = null), /spans\.duration/],
    ['decreasing attribute offsets', (p) => (p.spans['attrStart']![5] = 0), /spans\.attrStart/],
    ['a non-string span id', (p) => (p.spans['id']![0] = 7), /spans\.id/],
    ['a critical path index out of range', (p) => (p.analysis = { criticalPath: [99999], selfUs: (p.analysis as { selfUs: number[] }).selfUs, findings: [] }), /analysis/],
    ['a wrong version', (p) => (p.version = 2), /version/],
    ['a string where strings belong', (p) => ((p.strings as unknown[])[0] = 5), /strings/],
  ];
  for (const [what, mutate, problem] of cases) {
    it(`rejects ${what}`, () => {
      const p = valid() as unknown as Mutable;
      assert.equal(describePayloadProblem(p), undefined);
      mutate(p);
      assert.match(describePayloadProblem(p) ?? 'accepted', problem);
      assert.equal(isTracePayload(p), false);
    });
  }
});
