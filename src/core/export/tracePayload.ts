// Builds the trace viewer's columnar payload (src/shared/viewModelPayload.ts) from a core Trace, in O(n).
import type { Attribute, Span, Trace } from '../model/trace';
import { buildSpanTree, type SpanTree } from '../analysis/spanTree';
import { ATTRIBUTE_TYPES, LINK_KIND_NAMES, PAYLOAD_VERSION, SpanFlag, type FindingPayload, type TracePayload } from '../../shared/viewModelPayload';

/** Analysis results keyed the way core reports them (span ids / trace.spans positions). */
export interface PayloadAnalysisInput {
  /** Span ids on the critical path, root first. */
  readonly criticalPath: readonly string[];
  /** Self time per span, indexed like `trace.spans`, µs. */
  readonly selfUs: ArrayLike<number>;
  readonly findings: readonly { readonly kind: string; readonly severity: FindingPayload['severity']; readonly message: string; readonly spanIds: readonly string[] }[];
}

export interface TracePayloadOptions {
  /** Where the trace came from, shown in the viewer header and kept in the panel state. */
  readonly source: string;
  readonly analysis?: PayloadAnalysisInput;
  /** True when "Go to source" can resolve this span; called once per distinct service+operation. */
  readonly hasSource?: (span: Span) => boolean;
  /** A span tree already built for this trace (analysis builds one too; building it once saves time). */
  readonly tree?: SpanTree;
  /** Span ids to flag as clock-skewed, beyond the trace's own clock-skew warnings. */
  readonly clockSkewed?: ReadonlySet<string>;
}

/** Interns strings into one table so repeated names and values cost one index each. */
class StringTable {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();
  /** Numbers keyed as numbers: no string is made (or hashed) for a value already seen. */
  private readonly numbers = new Map<number, number>();
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }
  value(v: string | number | boolean): number {
    if (typeof v === 'string') return this.id(v);
    if (typeof v === 'boolean') return this.id(v ? 'true' : 'false');
    let i = this.numbers.get(v);
    if (i === undefined) {
      i = this.id(String(v));
      this.numbers.set(v, i);
    }
    return i;
  }
}

/**
 * The attrs columns, written in place: span, event and link attributes each fill a section whose size a first
 * pass counted, resources (deduplicated, so counted as they come) are appended after them.
 */
class AttributeWriter {
  key: Int32Array;
  type: Uint8Array;
  value: Int32Array;
  private extra = { key: [] as number[], type: [] as number[], value: [] as number[] };
  constructor(
    private readonly table: StringTable,
    readonly fixedSize: number,
  ) {
    this.key = new Int32Array(fixedSize);
    this.type = new Uint8Array(fixedSize);
    this.value = new Int32Array(fixedSize);
  }
  /** Writes at `at`, returns the position after the last attribute written. */
  write(at: number, list: readonly Attribute[]): number {
    for (const a of list) {
      this.key[at] = this.table.id(a.key);
      this.type[at] = ATTRIBUTE_TYPE_CODE.get(a.type) ?? 0;
      this.value[at] = this.table.value(a.value);
      at++;
    }
    return at;
  }
  /** Appends after the fixed sections; returns the end offset. */
  append(list: readonly Attribute[]): number {
    for (const a of list) {
      this.extra.key.push(this.table.id(a.key));
      this.extra.type.push(ATTRIBUTE_TYPE_CODE.get(a.type) ?? 0);
      this.extra.value.push(this.table.value(a.value));
    }
    return this.fixedSize + this.extra.key.length;
  }
  columns(): { key: number[]; type: number[]; value: number[] } {
    const join = (fixed: ArrayLike<number>, extra: number[]): number[] => {
      const out = new Array<number>(fixed.length + extra.length);
      for (let i = 0; i < fixed.length; i++) out[i] = fixed[i]!;
      for (let i = 0; i < extra.length; i++) out[fixed.length + i] = extra[i]!;
      return out;
    };
    return { key: join(this.key, this.extra.key), type: join(this.type, this.extra.type), value: join(this.value, this.extra.value) };
  }
}

const ATTRIBUTE_TYPE_CODE = new Map<string, number>(ATTRIBUTE_TYPES.map((t, i) => [t, i]));
const LINK_KIND_CODE = new Map<string, number>(LINK_KIND_NAMES.map((k, i) => [k, i]));

export function buildTracePayload(trace: Trace, options: TracePayloadOptions): TracePayload {
  const spans = trace.spans;
  const n = spans.length;
  const tree = options.tree ?? buildSpanTree(trace);

  // Depth-first pre-order, children by start time: order[k] = position in trace.spans of the k-th row.
  const order = new Int32Array(n);
  const newIndex = new Int32Array(n);
  let k = 0;
  const stack: number[] = [];
  for (let r = tree.roots.length - 1; r >= 0; r--) stack.push(tree.roots[r]!);
  while (stack.length > 0) {
    const v = stack.pop()!;
    newIndex[v] = k;
    order[k++] = v;
    for (let c = tree.childStart[v + 1]! - 1; c >= tree.childStart[v]!; c--) stack.push(tree.childList[c]!);
  }

  let startUs = Infinity;
  let endUs = -Infinity;
  for (const s of spans) {
    if (s.startTimeUs < startUs) startUs = s.startTimeUs;
    const end = s.startTimeUs + Math.max(0, s.durationUs);
    if (end > endUs) endUs = end;
  }
  if (n === 0) {
    startUs = 0;
    endUs = 0;
  }

  const table = new StringTable();
  const serviceIndex = new Map<string, number>();
  const services: number[] = [];
  const skewed = new Set<string>();
  for (const w of trace.warnings) if (w.kind === 'clock-skew' && w.spanId !== undefined) skewed.add(w.spanId);
  for (const id of options.clockSkewed ?? []) skewed.add(id);

  // First pass: how many span, event and link attributes, events, links and warnings there are, so every column
  // is allocated once at its final size.
  let spanAttrCount = 0;
  let eventCount = 0;
  let eventAttrCount = 0;
  let linkCount = 0;
  let linkAttrCount = 0;
  let warningCount = 0;
  for (const s of spans) {
    spanAttrCount += s.attributes.length;
    eventCount += s.events.length;
    for (const e of s.events) eventAttrCount += e.attributes.length;
    linkCount += s.links.length;
    for (const l of s.links) linkAttrCount += l.attributes.length;
    warningCount += s.warnings.length;
  }
  const attrs = new AttributeWriter(table, spanAttrCount + eventAttrCount + linkAttrCount);
  let spanAttrAt = 0;
  let eventAttrAt = spanAttrCount;
  let linkAttrAt = spanAttrCount + eventAttrCount;

  // Resources are shared by many spans: parsers usually share one array per process, so key by identity first.
  const resourceAttrStart: number[] = [attrs.fixedSize];
  const resourceByArray = new Map<readonly Attribute[], number>();
  const resourceByText = new Map<string, number>();
  const resourceOf = (span: Span): number => {
    if (span.resource.length === 0) return -1;
    const known = resourceByArray.get(span.resource);
    if (known !== undefined) return known;
    const text = JSON.stringify(span.resource.map((a) => [a.key, a.type, a.value]));
    let r = resourceByText.get(text);
    if (r === undefined) {
      r = resourceAttrStart.length - 1;
      resourceAttrStart.push(attrs.append(span.resource));
      resourceByText.set(text, r);
    }
    resourceByArray.set(span.resource, r);
    return r;
  };

  const sourceKnown = new Map<string, boolean>();
  const ids = new Array<string>(n);
  const c = {
    parent: new Int32Array(n),
    start: new Float64Array(n),
    duration: new Float64Array(n),
    service: new Int32Array(n),
    name: new Int32Array(n),
    kind: new Int8Array(n),
    status: new Uint8Array(n),
    statusMessage: new Int32Array(n),
    scope: new Int32Array(n),
    flags: new Uint16Array(n),
    resource: new Int32Array(n),
    attrStart: new Int32Array(n + 1),
    eventStart: new Int32Array(n + 1),
    linkStart: new Int32Array(n + 1),
    warningStart: new Int32Array(n + 1),
  };
  const events = { time: new Float64Array(eventCount), name: new Int32Array(eventCount), attrStart: new Int32Array(eventCount + 1) };
  const links = { traceId: new Int32Array(linkCount), spanId: new Int32Array(linkCount), kind: new Uint8Array(linkCount), attrStart: new Int32Array(linkCount + 1) };
  const warnings = new Int32Array(warningCount);
  let ev = 0;
  let lk = 0;
  let wn = 0;
  events.attrStart[0] = eventAttrAt;
  links.attrStart[0] = linkAttrAt;
  let lastService: string | undefined;
  let lastServiceIndex = -1;

  for (let row = 0; row < n; row++) {
    const v = order[row]!;
    const s = spans[v]!;
    ids[row] = s.spanId;
    const p = tree.parent[v]!;
    c.parent[row] = p < 0 ? -1 : newIndex[p]!;
    c.start[row] = s.startTimeUs - startUs;
    c.duration[row] = Number.isFinite(s.durationUs) && s.durationUs > 0 ? s.durationUs : 0;
    if (s.service !== lastService) {
      let svc = serviceIndex.get(s.service);
      if (svc === undefined) {
        svc = services.length;
        services.push(table.id(s.service));
        serviceIndex.set(s.service, svc);
      }
      lastService = s.service;
      lastServiceIndex = svc;
    }
    c.service[row] = lastServiceIndex;
    c.name[row] = table.id(s.name);
    c.kind[row] = s.kind === undefined ? -1 : s.kind;
    c.status[row] = s.status.code;
    c.statusMessage[row] = s.status.message ? table.id(s.status.message) : -1;
    c.scope[row] = s.scope ? table.id(s.scope.version ? `${s.scope.name} ${s.scope.version}` : s.scope.name) : -1;
    let flags = 0;
    if (s.error) flags |= SpanFlag.error;
    if (s.orphan) flags |= SpanFlag.orphan;
    if (skewed.size > 0 && skewed.has(s.spanId)) flags |= SpanFlag.clockSkew;
    if (options.hasSource) {
      const key = JSON.stringify([s.service, s.name]);
      let known = sourceKnown.get(key);
      if (known === undefined) {
        known = options.hasSource(s);
        sourceKnown.set(key, known);
      }
      if (known) flags |= SpanFlag.hasSource;
    }
    c.flags[row] = flags;
    c.resource[row] = resourceOf(s);

    c.attrStart[row] = spanAttrAt;
    spanAttrAt = attrs.write(spanAttrAt, s.attributes);
    c.eventStart[row] = ev;
    for (const e of s.events) {
      events.time[ev] = e.timeUs - startUs;
      events.name[ev] = table.id(e.name);
      eventAttrAt = attrs.write(eventAttrAt, e.attributes);
      events.attrStart[++ev] = eventAttrAt;
    }
    c.linkStart[row] = lk;
    for (const l of s.links) {
      links.traceId[lk] = table.id(l.traceId);
      links.spanId[lk] = table.id(l.spanId);
      links.kind[lk] = LINK_KIND_CODE.get(l.kind) ?? LINK_KIND_CODE.get('link')!;
      linkAttrAt = attrs.write(linkAttrAt, l.attributes);
      links.attrStart[++lk] = linkAttrAt;
    }
    c.warningStart[row] = wn;
    for (const w of s.warnings) warnings[wn++] = table.id(w);
  }
  c.attrStart[n] = spanAttrAt;
  c.eventStart[n] = ev;
  c.linkStart[n] = lk;
  c.warningStart[n] = wn;

  // A plain loop: Array.from over a typed array goes through the iterator protocol and costs several times more.
  const list = (a: ArrayLike<number>): number[] => {
    const out = new Array<number>(a.length);
    for (let i = 0; i < a.length; i++) out[i] = a[i]!;
    return out;
  };
  return {
    version: PAYLOAD_VERSION,
    traceId: trace.traceId,
    source: options.source,
    startUs,
    durationUs: Math.max(0, endUs - startUs),
    spanCount: n,
    strings: table.strings,
    services,
    spans: {
      id: ids,
      parent: list(c.parent),
      start: list(c.start),
      duration: list(c.duration),
      service: list(c.service),
      name: list(c.name),
      kind: list(c.kind),
      status: list(c.status),
      statusMessage: list(c.statusMessage),
      scope: list(c.scope),
      flags: list(c.flags),
      resource: list(c.resource),
      attrStart: list(c.attrStart),
      eventStart: list(c.eventStart),
      linkStart: list(c.linkStart),
      warningStart: list(c.warningStart),
    },
    attrs: attrs.columns(),
    resourceAttrStart,
    events: { time: list(events.time), name: list(events.name), attrStart: list(events.attrStart) },
    links: { traceId: list(links.traceId), spanId: list(links.spanId), kind: list(links.kind), attrStart: list(links.attrStart) },
    warnings: list(warnings),
    traceWarnings: trace.warnings.map((w) => (w.spanId === undefined ? { kind: w.kind, message: w.message } : { kind: w.kind, spanId: w.spanId, message: w.message })),
    ...(options.analysis ? { analysis: analysisPayload(options.analysis, tree.indexById, newIndex, order) } : {}),
  };
}

function analysisPayload(input: PayloadAnalysisInput, indexById: ReadonlyMap<string, number>, newIndex: Int32Array, order: Int32Array): NonNullable<TracePayload['analysis']> {
  const rowOf = (spanId: string): number | undefined => {
    const v = indexById.get(spanId);
    return v === undefined ? undefined : newIndex[v];
  };
  const rows = (ids: readonly string[]): number[] => ids.map(rowOf).filter((r): r is number => r !== undefined);
  const selfUs = new Array<number>(order.length);
  for (let row = 0; row < order.length; row++) {
    const v = input.selfUs[order[row]!];
    selfUs[row] = typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
  }
  return {
    criticalPath: rows(input.criticalPath),
    selfUs,
    findings: input.findings.map((f) => ({ kind: f.kind, severity: f.severity, message: f.message, spans: rows(f.spanIds) })),
  };
}
