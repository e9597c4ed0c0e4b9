// The trace viewer's wire format: one trace as parallel columns of numbers plus a string table. The host (VS Code
// panel, HTML exporter) builds it from a core Trace; the webview turns the columns into typed arrays in O(n).
// Plain JSON (arrays of numbers) on purpose: VS Code's webview postMessage and the exported page's embedded
// <script type="application/json"> both carry JSON, so one format serves both without a second code path.

export const PAYLOAD_VERSION = 1;

/** Bits of `spans.flags`. */
export const SpanFlag = {
  error: 1,
  orphan: 2,
  clockSkew: 4,
  criticalPath: 8,
  /** The host can map this span to code ("Go to source" is offered). */
  hasSource: 16,
} as const;

/** `attrs.type` codes, in the order of core's AttributeType. */
export const ATTRIBUTE_TYPES = ['string', 'bool', 'int64', 'float64', 'binary', 'array', 'kvlist'] as const;
export type AttributeTypeName = (typeof ATTRIBUTE_TYPES)[number];

/** `spans.kind` codes: -1 = unknown, else OpenTelemetry's SpanKind (0 internal … 4 consumer). */
export const SPAN_KIND_NAMES = ['internal', 'server', 'client', 'producer', 'consumer'] as const;

/** `spans.status` codes: OpenTelemetry's SpanStatusCode (0 unset, 1 ok, 2 error). */
export const STATUS_NAMES = ['unset', 'ok', 'error'] as const;

/** `links.kind` codes. */
export const LINK_KIND_NAMES = ['child_of', 'follows_from', 'link'] as const;

/**
 * Per-span columns, each of length `spanCount` except the `*Start` offset columns (length `spanCount + 1`: the
 * rows of span i are `[xStart[i], xStart[i+1])`). Spans are in depth-first pre-order with children by start time,
 * so the subtree of span i is a contiguous index range starting at i; `parent[i] < i` or -1.
 */
export interface SpanColumns {
  /** Span ids (not interned: they are unique, and interning them would only cost time). */
  readonly id: string[];
  readonly parent: number[];
  /** Microseconds from the trace start (`TracePayload.startUs`). */
  readonly start: number[];
  readonly duration: number[];
  /** Index into `TracePayload.services`. */
  readonly service: number[];
  /** String-table index of the operation name. */
  readonly name: number[];
  /** -1 unknown, else SpanKind. */
  readonly kind: number[];
  readonly status: number[];
  /** String-table index of the status message, -1 for none. */
  readonly statusMessage: number[];
  /** String-table index of the instrumentation scope ("name version"), -1 for none. */
  readonly scope: number[];
  /** SpanFlag bits. */
  readonly flags: number[];
  /** Index into `resources`, -1 for none. */
  readonly resource: number[];
  readonly attrStart: number[];
  readonly eventStart: number[];
  readonly linkStart: number[];
  /** Offsets into `warnings`. */
  readonly warningStart: number[];
}

/** Typed key/values of spans, events, links and resources, addressed by offset ranges. */
export interface AttributeColumns {
  readonly key: number[];
  /** Index into ATTRIBUTE_TYPES. */
  readonly type: number[];
  /** String-table index of the value as text (numbers and booleans as the host printed them). */
  readonly value: number[];
}

export interface EventColumns {
  /** Microseconds from the trace start. */
  readonly time: number[];
  readonly name: number[];
  /** Length events + 1, offsets into `attrs`. */
  readonly attrStart: number[];
}

export interface LinkColumns {
  readonly traceId: number[];
  readonly spanId: number[];
  /** Index into LINK_KIND_NAMES. */
  readonly kind: number[];
  /** Length links + 1, offsets into `attrs`. */
  readonly attrStart: number[];
}

export interface TraceWarningPayload {
  readonly kind: string;
  readonly spanId?: string;
  readonly message: string;
}

/** What analysis found, in span indices. Absent when the host had no analysis to give. */
export interface AnalysisPayload {
  /** Span indices on the critical path, from the root down, in time order. */
  readonly criticalPath: number[];
  /** Self time per span in microseconds (length spanCount). */
  readonly selfUs: number[];
  /** Notable findings (N+1, propagation gaps, …) to list; spans are indices. */
  readonly findings: readonly FindingPayload[];
}

export interface FindingPayload {
  readonly kind: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly spans: number[];
}

export interface TracePayload {
  readonly version: typeof PAYLOAD_VERSION;
  readonly traceId: string;
  /** Where the trace came from (a source description or file name), shown in the header and kept in state. */
  readonly source: string;
  /** Unix microseconds of the earliest span start. */
  readonly startUs: number;
  readonly durationUs: number;
  readonly spanCount: number;
  readonly strings: readonly string[];
  /** String-table index of each service name; the position is the service index (and its colour). */
  readonly services: number[];
  readonly spans: SpanColumns;
  readonly attrs: AttributeColumns;
  /** Offsets into `attrs`, length resourceCount + 1. */
  readonly resourceAttrStart: number[];
  readonly events: EventColumns;
  readonly links: LinkColumns;
  /** String-table indices of per-span warning texts. */
  readonly warnings: number[];
  readonly traceWarnings: readonly TraceWarningPayload[];
  readonly analysis?: AnalysisPayload;
}

// ---- validation: the webview checks every payload on arrival (O(n), a few ms at 100k spans) ----

/** Every element a number in [min, max]; whole numbers only unless `fractional` (times may carry fractions). */
function isNumberArray(x: unknown, length: number | undefined, min: number, max: number, fractional = false): x is number[] {
  if (!Array.isArray(x)) return false;
  if (length !== undefined && x.length !== length) return false;
  for (let i = 0; i < x.length; i++) {
    const v: unknown = x[i];
    if (typeof v !== 'number' || !(v >= min && v <= max)) return false;
    if (!fractional && !Number.isInteger(v)) return false;
    if (fractional && !Number.isFinite(v)) return false;
  }
  return true;
}

/** Offsets into an array of `total` rows: non-decreasing, within [0, total]. */
function isOffsets(x: unknown, length: number | undefined, total: number): x is number[] {
  if (!isNumberArray(x, length, 0, total) || x.length < 1) return false;
  for (let i = 1; i < x.length; i++) if (x[i]! < x[i - 1]!) return false;
  return true;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Why `x` is not a valid TracePayload, or undefined when it is. */
export function describePayloadProblem(x: unknown): string | undefined {
  if (!isRecord(x)) return 'not an object';
  if (x['version'] !== PAYLOAD_VERSION) return `unsupported version ${String(x['version'])}`;
  if (typeof x['traceId'] !== 'string' || typeof x['source'] !== 'string') return 'traceId/source missing';
  if (typeof x['startUs'] !== 'number' || !Number.isFinite(x['startUs'])) return 'startUs';
  if (typeof x['durationUs'] !== 'number' || !(x['durationUs'] >= 0)) return 'durationUs';
  const n = x['spanCount'];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return 'spanCount';
  const strings = x['strings'];
  if (!Array.isArray(strings) || !strings.every((s) => typeof s === 'string')) return 'strings';
  const s = strings.length - 1;
  const services = x['services'];
  if (!isNumberArray(services, undefined, 0, s)) return 'services';
  const attrs = x['attrs'];
  if (!isRecord(attrs)) return 'attrs';
  const attrKeys = attrs['key'];
  if (!isNumberArray(attrKeys, undefined, 0, s)) return 'attrs.key';
  const a = attrKeys.length;
  if (!isNumberArray(attrs['type'], a, 0, ATTRIBUTE_TYPES.length - 1)) return 'attrs.type';
  if (!isNumberArray(attrs['value'], a, 0, s)) return 'attrs.value';
  const resourceAttrStart = x['resourceAttrStart'];
  if (!isOffsets(resourceAttrStart, undefined, a)) return 'resourceAttrStart';
  const resourceCount = resourceAttrStart.length - 1;
  const events = x['events'];
  if (!isRecord(events)) return 'events';
  const eventTimes = events['time'];
  if (!isNumberArray(eventTimes, undefined, -Infinity, Infinity, true)) return 'events.time';
  const e = eventTimes.length;
  if (!isNumberArray(events['name'], e, 0, s)) return 'events.name';
  if (!isOffsets(events['attrStart'], e + 1, a)) return 'events.attrStart';
  const links = x['links'];
  if (!isRecord(links)) return 'links';
  const linkTraceIds = links['traceId'];
  if (!isNumberArray(linkTraceIds, undefined, 0, s)) return 'links.traceId';
  const l = linkTraceIds.length;
  if (!isNumberArray(links['spanId'], l, 0, s)) return 'links.spanId';
  if (!isNumberArray(links['kind'], l, 0, LINK_KIND_NAMES.length - 1)) return 'links.kind';
  if (!isOffsets(links['attrStart'], l + 1, a)) return 'links.attrStart';
  const warnings = x['warnings'];
  if (!isNumberArray(warnings, undefined, 0, s)) return 'warnings';
  const traceWarnings = x['traceWarnings'];
  if (!Array.isArray(traceWarnings)) return 'traceWarnings';
  for (const w of traceWarnings as unknown[]) {
    if (!isRecord(w) || typeof w['kind'] !== 'string' || typeof w['message'] !== 'string') return 'traceWarnings';
    if (w['spanId'] !== undefined && typeof w['spanId'] !== 'string') return 'traceWarnings';
  }

  const spans = x['spans'];
  if (!isRecord(spans)) return 'spans';
  if (!isNumberArray(spans['start'], n, -Infinity, Infinity, true)) return 'spans.start';
  if (!isNumberArray(spans['duration'], n, 0, Infinity, true)) return 'spans.duration';
  const ids = spans['id'];
  if (!Array.isArray(ids) || ids.length !== n || !ids.every((id) => typeof id === 'string')) return 'spans.id';
  const cols: Array<[keyof SpanColumns, number, number]> = [
    ['parent', -1, n - 1],
    ['service', 0, services.length - 1],
    ['name', 0, s],
    ['kind', -1, SPAN_KIND_NAMES.length - 1],
    ['status', 0, STATUS_NAMES.length - 1],
    ['statusMessage', -1, s],
    ['scope', -1, s],
    ['flags', 0, 0xffff],
    ['resource', -1, resourceCount - 1],
  ];
  for (const [name, min, max] of cols) if (!isNumberArray(spans[name], n, min, max)) return `spans.${name}`;
  if (!isOffsets(spans['attrStart'], n + 1, a)) return 'spans.attrStart';
  if (!isOffsets(spans['eventStart'], n + 1, e)) return 'spans.eventStart';
  if (!isOffsets(spans['linkStart'], n + 1, l)) return 'spans.linkStart';
  if (!isOffsets(spans['warningStart'], n + 1, warnings.length)) return 'spans.warningStart';
  if (!isPreOrder(spans['parent'] as number[])) return 'spans are not in depth-first pre-order';

  const analysis = x['analysis'];
  return analysis === undefined ? undefined : describeAnalysisProblem(analysis, n);
}

/**
 * Why `a` is not a valid AnalysisPayload for a trace of `spanCount` spans, or undefined when it is. Without
 * `spanCount` only the shape is checked (the view checks indices once it knows which trace it belongs to).
 */
export function describeAnalysisProblem(a: unknown, spanCount?: number): string | undefined {
  const last = spanCount === undefined ? Number.MAX_SAFE_INTEGER : spanCount - 1;
  if (!isRecord(a)) return 'analysis';
  if (!isNumberArray(a['criticalPath'], undefined, 0, last)) return 'analysis.criticalPath';
  if (!isNumberArray(a['selfUs'], spanCount, 0, Infinity, true)) return 'analysis.selfUs';
  const findings = a['findings'];
  if (!Array.isArray(findings)) return 'analysis.findings';
  for (const f of findings as unknown[]) {
    if (!isRecord(f) || typeof f['kind'] !== 'string' || typeof f['message'] !== 'string') return 'analysis.findings';
    if (f['severity'] !== 'error' && f['severity'] !== 'warning' && f['severity'] !== 'info') return 'analysis.findings';
    if (!isNumberArray(f['spans'], undefined, 0, last)) return 'analysis.findings';
  }
  return undefined;
}

/**
 * Pre-order means every span's parent is an ancestor still "open" when it appears: a stack of open ancestors
 * is popped until the parent is on top. Any other order would break the contiguous-subtree ranges.
 */
function isPreOrder(parent: readonly number[]): boolean {
  const stack: number[] = [];
  for (let i = 0; i < parent.length; i++) {
    const p = parent[i]!;
    if (p === -1) stack.length = 0;
    else {
      while (stack.length > 0 && stack[stack.length - 1] !== p) stack.pop();
      if (stack.length === 0) return false;
    }
    stack.push(i);
  }
  return true;
}

export function isTracePayload(x: unknown): x is TracePayload {
  return describePayloadProblem(x) === undefined;
}
