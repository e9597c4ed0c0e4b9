import * as fs from 'node:fs';
import type { Attribute, Span, Trace } from '../../src/core/model/trace';
import { SpanKind, SpanStatusCode } from '../../src/core/model/trace';
import { spanKindName as jaegerSpanKind } from '../../src/core/sources/receiver/spanMatch';
import { parseTraceDocument } from '../../src/core/model/traceDocument';
import { fixturePath, listFixtures } from './fixtures';

/**
 * The in-memory trace store behind the Jaeger test server. It answers queries the way Jaeger's v2 memory storage
 * does (internal/storage/v2/memory/tenant.go): a trace matches when ONE span satisfies service, operation, start
 * window, duration range and every attribute; results are most recent first; a search depth outside 1..maxTraces
 * is an error.
 */

/** Fixture files that hold no trace (service lists, dependency links, metrics, summaries). */
const NON_TRACE_FIXTURE = /(^|\/)(dependencies_[^/]*|spm_[^/]*|apiv3_snapshot_(GetServices|GetOperations|FindTraceSummaries)\.json)$/;

/** Every fixture file with traces in it (relative paths), sorted. */
export function traceFixtureFiles(): string[] {
  return listFixtures().filter((rel) => !NON_TRACE_FIXTURE.test(rel));
}

/**
 * Parses the given fixture files (default: all trace fixtures). Some fixtures share a trace id (the api/v3 snapshots
 * and ui_01 are both trace 1; the transform input and output are the same trace): the one with more spans is kept,
 * in the position of the first occurrence.
 */
export function loadFixtureTraces(files: readonly string[] = traceFixtureFiles()): Trace[] {
  const out: Trace[] = [];
  const position = new Map<string, number>();
  for (const rel of files) {
    for (const trace of parseTraceDocument(fs.readFileSync(fixturePath(rel), 'utf8'), rel)) {
      const at = position.get(trace.traceId);
      if (at === undefined) {
        position.set(trace.traceId, out.length);
        out.push(trace);
      } else if (trace.spans.length > out[at]!.spans.length) {
        out[at] = trace;
      }
    }
  }
  return out;
}

export function traceStartUs(trace: Trace): number {
  let min = Infinity;
  for (const s of trace.spans) min = Math.min(min, s.startTimeUs);
  return Number.isFinite(min) ? min : 0;
}

export function traceEndUs(trace: Trace): number {
  let max = -Infinity;
  for (const s of trace.spans) max = Math.max(max, s.startTimeUs + s.durationUs);
  return Number.isFinite(max) ? max : 0;
}

/** Moves every time in a trace by a whole number of µs, keeping all relative timings. */
export function shiftTrace(trace: Trace, deltaUs: number): Trace {
  const delta = Math.round(deltaUs);
  return {
    ...trace,
    spans: trace.spans.map((s) => ({
      ...s,
      startTimeUs: s.startTimeUs + delta,
      events: s.events.map((e) => ({ ...e, timeUs: e.timeUs + delta })),
      warnings: [...s.warnings],
    })),
  };
}

/**
 * Recorded fixtures carry old timestamps (2017–2021). To make "the last hour" contain them, trace i (in the given
 * order) is shifted so that it ENDS at `anchorUs - (i + 1) * spacingUs`: every span lies in the past, the first
 * trace is the most recent, and the order is the same on every run. With the default 1 s spacing the ~20 fixture
 * traces all end within the half minute before the anchor.
 */
export function shiftIntoRecentPast(traces: readonly Trace[], anchorUs: number, spacingUs = 1_000_000): Trace[] {
  return traces.map((t, i) => shiftTrace(t, anchorUs - (i + 1) * spacingUs - traceEndUs(t)));
}

/** Jaeger's lowercase span-kind names; '' for unspecified (the same names the built-in receiver reports). */
export { jaegerSpanKind };

export interface StoreQuery {
  readonly service?: string;
  readonly operation?: string;
  readonly startMinUs?: number;
  readonly startMaxUs?: number;
  readonly durationMinUs?: number;
  readonly durationMaxUs?: number;
  readonly attributes?: ReadonlyMap<string, string>;
  readonly depth: number;
  /**
   * Jaeger 2.12's matching: no `span.kind`/`span.status`/`scope.*`/`resource.*` keys and no link attributes; the
   * `error` key, a string read as a boolean, is always false there, so it matches only spans with status OK.
   */
  readonly legacyKeys?: boolean;
}

export const MAX_TRACES = 100_000;

export class StoreError extends Error {}

export class JaegerTestStore {
  /** Most recent first. */
  readonly traces: readonly Trace[];
  private readonly byId = new Map<string, Trace>();

  constructor(traces: readonly Trace[], readonly maxTraces = MAX_TRACES) {
    this.traces = [...traces].sort((a, b) => traceStartUs(b) - traceStartUs(a));
    for (const t of this.traces) if (!this.byId.has(t.traceId)) this.byId.set(t.traceId, t);
  }

  /** In the order first seen, most recent trace first: Jaeger lists its services (a Go map) in no set order. */
  services(): string[] {
    const names = new Set<string>();
    for (const t of this.traces) for (const s of t.spans) if (s.service !== '') names.add(s.service);
    return [...names];
  }

  /** Distinct (name, kind) pairs of a service, kind filtered when given. */
  operations(service: string, spanKind = ''): Array<{ name: string; spanKind: string }> {
    const seen = new Map<string, { name: string; spanKind: string }>();
    for (const t of this.traces) {
      for (const s of t.spans) {
        if (s.service !== service) continue;
        const kind = jaegerSpanKind(s.kind);
        if (spanKind !== '' && kind !== spanKind) continue;
        seen.set(`${s.name}\u0000${kind}`, { name: s.name, spanKind: kind });
      }
    }
    // Like Jaeger's (a Go map), in no set order: here, first seen in the most recent trace first.
    return [...seen.values()];
  }

  get(traceId: string): Trace | undefined {
    return this.byId.get(traceId);
  }

  find(query: StoreQuery): Trace[] {
    if (query.depth <= 0 || query.depth > this.maxTraces) throw new StoreError('search depth must be greater than 0 and less than max traces');
    const out: Trace[] = [];
    for (const t of this.traces) {
      if (out.length === query.depth) break;
      if (t.spans.some((s) => spanMatches(s, query))) out.push(t);
    }
    return out;
  }

  /** Parent→child service call counts over traces overlapping the window (every parent/child span pair counts). */
  dependencies(startUs: number, endUs: number): Array<{ parent: string; child: string; callCount: number }> {
    const counts = new Map<string, { parent: string; child: string; callCount: number }>();
    for (const t of this.traces) {
      if (traceEndUs(t) < startUs || traceStartUs(t) > endUs) continue;
      const serviceOf = new Map(t.spans.map((s) => [s.spanId, s.service]));
      for (const s of t.spans) {
        if (s.parentSpanId === undefined) continue;
        const parent = serviceOf.get(s.parentSpanId);
        if (parent === undefined) continue;
        const key = `${parent}\u0000${s.service}`;
        const entry = counts.get(key) ?? { parent, child: s.service, callCount: 0 };
        entry.callCount++;
        counts.set(key, entry);
      }
    }
    return [...counts.values()].sort((a, b) => a.parent.localeCompare(b.parent) || a.child.localeCompare(b.child));
  }
}

function spanMatches(s: Span, q: StoreQuery): boolean {
  if (q.service && s.service !== q.service) return false;
  if (q.operation && s.name !== q.operation) return false;
  if (q.startMinUs !== undefined && s.startTimeUs < q.startMinUs) return false;
  if (q.startMaxUs !== undefined && s.startTimeUs > q.startMaxUs) return false;
  if (q.durationMinUs && s.durationUs < q.durationMinUs) return false;
  if (q.durationMaxUs && s.durationUs > q.durationMaxUs) return false;
  for (const [key, value] of q.attributes ?? []) {
    if (!(q.legacyKeys ? legacyAttributeMatches(s, key, value) : attributeMatches(s, key, value))) return false;
  }
  return true;
}

/** Jaeger 2.12's memory storage (internal/storage/v2/memory/tenant.go at v1.75.0). */
function legacyAttributeMatches(s: Span, key: string, value: string): boolean {
  if (key === 'error') return s.status.code === SpanStatusCode.OK;
  return hasAttr(s.attributes, key, value) || hasAttr(s.scope?.attributes ?? [], key, value) || hasResource(s, key, value) || s.events.some((e) => hasAttr(e.attributes, key, value));
}

/** The resource's attributes, service.name among them (the model keeps it apart as `service`). */
function hasResource(s: Span, key: string, value: string): boolean {
  return key === 'service.name' ? s.service === value : hasAttr(s.resource, key, value);
}

function attributeMatches(s: Span, key: string, value: string): boolean {
  switch (key) {
    case 'error': {
      const wanted = parseGoBool(value);
      if (wanted === undefined) return false;
      // Jaeger compares the OTLP status; our `error` also covers Jaeger JSON's error=true tag, which it maps to ERROR.
      return wanted ? s.error : s.status.code === SpanStatusCode.OK;
    }
    case 'span.status': {
      const upper = value.toUpperCase();
      const expected = upper === 'OK' ? SpanStatusCode.OK : upper === 'ERROR' ? SpanStatusCode.ERROR : SpanStatusCode.UNSET;
      return s.status.code === expected;
    }
    case 'span.kind':
      return jaegerSpanKind(s.kind) === value.toLowerCase();
    case 'scope.name':
      return (s.scope?.name ?? '') === value;
    case 'scope.version':
      return (s.scope?.version ?? '') === value;
    default:
      break;
  }
  if (key.startsWith('resource.')) return hasAttr(s.resource, key.slice('resource.'.length), value);
  return (
    hasAttr(s.attributes, key, value) ||
    hasAttr(s.scope?.attributes ?? [], key, value) ||
    hasResource(s, key, value) ||
    s.events.some((e) => hasAttr(e.attributes, key, value)) ||
    s.links.some((l) => hasAttr(l.attributes, key, value))
  );
}

function hasAttr(attrs: readonly Attribute[], key: string, value: string): boolean {
  const found = attrs.find((a) => a.key === key);
  return found !== undefined && String(found.value) === value;
}

/** Go's strconv.ParseBool. */
export function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}
