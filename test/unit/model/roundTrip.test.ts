import * as assert from 'node:assert/strict';
import { parseTraceDocument } from '../../../src/core/model/traceDocument';
import { parseJaegerJson, toJaegerJsonTrace } from '../../../src/core/model/jaegerJson';
import { parseOtlpJson, toOtlpTracesData } from '../../../src/core/model/otlpJson';
import type { Attribute, Span, Trace } from '../../../src/core/model/trace';
import { readFixture, traceFixtures } from '../../support/fixtures';

/** Through JSON text, as a file would carry it. */
function viaText<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function jaegerRoundTrip(traces: readonly Trace[]): Trace[] {
  return parseJaegerJson(viaText(traces.map(toJaegerJsonTrace)), 'round-trip.json');
}

function otlpRoundTrip(traces: readonly Trace[]): Trace[] {
  return parseOtlpJson(viaText(toOtlpTracesData(traces)), 'round-trip.json');
}

function byId(traces: readonly Trace[]): Map<string, Trace> {
  return new Map(traces.map((t) => [t.traceId, t]));
}

/** What Jaeger's v1 JSON can not carry: link attributes and tracestate, OTLP's plain "link" kind, scope attributes, composite attribute types. */
function jaegerCarries(span: Span): Span {
  const attr = (a: Attribute): Attribute => (a.type === 'array' || a.type === 'kvlist' ? { ...a, type: 'string' } : a);
  const out: Span = {
    ...span,
    attributes: span.attributes.map(attr),
    resource: span.resource.map(attr),
    events: span.events.map((e) => ({ ...e, attributes: e.attributes.map(attr) })),
    links: span.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, kind: l.kind === 'child_of' ? 'child_of' : 'follows_from', attributes: [] })),
  };
  if (span.scope) {
    const scope = span.scope.version === undefined ? { name: span.scope.name } : { name: span.scope.name, version: span.scope.version };
    return { ...out, scope };
  }
  return out;
}

/** What OTLP can not carry: a FOLLOWS_FROM parent. */
function otlpCarries(span: Span): Span {
  const { parentRefType: _dropped, ...rest } = span;
  return rest;
}

const RECOMPUTED = new Set(['orphan', 'clock-skew', 'multiple-roots']);

describe('round trips over every trace fixture', () => {
  for (const rel of traceFixtures()) {
    describe(rel, () => {
      const original = parseTraceDocument(readFixture(rel), rel);

      it('parse → toJaegerJsonTrace → parse keeps every span (as far as Jaeger JSON can carry it) and every warning', () => {
        const again = byId(jaegerRoundTrip(original));
        assert.equal(again.size, original.length);
        for (const trace of original) {
          const back = again.get(trace.traceId);
          assert.ok(back, trace.traceId);
          assert.deepEqual(back.spans.map(jaegerCarries), trace.spans.map(jaegerCarries));
          assert.deepEqual(
            back.warnings.map((w) => w.message).sort(),
            trace.warnings.map((w) => w.message).sort(),
          );
        }
      });

      it('Jaeger JSON output is a fixpoint: a second round trip changes nothing', () => {
        const once = jaegerRoundTrip(original);
        assert.deepEqual(jaegerRoundTrip(once), once);
      });

      it('parse → toOtlpTracesData → parse keeps every span and the recomputable warnings', () => {
        const again = byId(otlpRoundTrip(original));
        assert.equal(again.size, original.length);
        for (const trace of original) {
          const back = again.get(trace.traceId);
          assert.ok(back, trace.traceId);
          assert.deepEqual(back.spans.map(otlpCarries), trace.spans.map(otlpCarries));
          assert.deepEqual(
            back.warnings.filter((w) => RECOMPUTED.has(w.kind)),
            trace.warnings.filter((w) => RECOMPUTED.has(w.kind)),
          );
        }
      });

      it('OTLP output is a fixpoint: a second round trip changes nothing', () => {
        const once = otlpRoundTrip(original);
        assert.deepEqual(otlpRoundTrip(once), once);
      });
    });
  }

  it('Jaeger fixtures survive the Jaeger round trip exactly', () => {
    for (const rel of traceFixtures().filter((f) => /v1(trace|envelope)\.json$/.test(f))) {
      const original = parseTraceDocument(readFixture(rel), rel);
      const again = byId(jaegerRoundTrip(original));
      for (const trace of original) assert.deepEqual(again.get(trace.traceId)!.spans, trace.spans, rel);
    }
  });

  it('OTLP fixtures survive the OTLP round trip exactly, and OTLP → Jaeger → OTLP keeps all Jaeger can hold', () => {
    for (const rel of traceFixtures().filter((f) => f.endsWith('.otlp.json') || f.includes('apiv3_snapshot'))) {
      const original = parseTraceDocument(readFixture(rel), rel);
      const again = byId(otlpRoundTrip(original));
      for (const trace of original) assert.deepEqual(again.get(trace.traceId)!.spans, trace.spans, rel);
      const viaJaeger = byId(otlpRoundTrip(jaegerRoundTrip(original)));
      for (const trace of original) assert.deepEqual(viaJaeger.get(trace.traceId)!.spans.map(jaegerCarries), trace.spans.map(jaegerCarries), rel);
    }
  });
});
