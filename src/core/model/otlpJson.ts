import { ResourceKeys } from './resourceKey';
import { quoteForDisplay } from '../text/quoteForDisplay';
import type { Attribute, Span, SpanEvent, SpanLink, Trace } from './trace';
import { SpanKind, SpanStatusCode } from './trace';
import { normalizeSpanId, normalizeTraceId } from './ids';
import { assembleTrace } from './assemble';
import { anyValueFromAttribute, attributeFromAnyValue, attributeText } from './attributeValues';
import type { OtlpAnyValueJson } from './attributeValues';
import { describeJsonValue, isRecord, malformedTrace } from './parseFailure';
import { makeSpan, makeStatus } from './spanFields';
import { microsDurationToNanos, microsToNanos, nanosDurationToMicros, nanosToMicros, parseNanos } from './nanoTime';

export type OtlpAnyValue = OtlpAnyValueJson;
export interface OtlpKeyValue {
  readonly key: string;
  readonly value: OtlpAnyValue;
}
export interface OtlpEvent {
  readonly timeUnixNano: string;
  readonly name: string;
  readonly attributes: readonly OtlpKeyValue[];
}
export interface OtlpLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceState?: string;
  readonly attributes: readonly OtlpKeyValue[];
}
export interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceState?: string;
  readonly parentSpanId?: string;
  readonly flags?: number;
  readonly name: string;
  /** OTLP numbering: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: readonly OtlpKeyValue[];
  readonly events: readonly OtlpEvent[];
  readonly links: readonly OtlpLink[];
  /** code: 0 unset, 1 ok, 2 error (left out when unset). */
  readonly status: { readonly code?: number; readonly message?: string };
}
export interface OtlpScopeSpans {
  readonly scope: { readonly name?: string; readonly version?: string; readonly attributes?: readonly OtlpKeyValue[] };
  readonly spans: readonly OtlpSpan[];
}
export interface OtlpResourceSpans {
  readonly resource: { readonly attributes: readonly OtlpKeyValue[] };
  readonly scopeSpans: readonly OtlpScopeSpans[];
}
export interface OtlpTracesData {
  readonly resourceSpans: readonly OtlpResourceSpans[];
}

/** The span attribute Jaeger keeps its span warnings in (a string array). */
const WARNINGS_ATTRIBUTE = '@jaeger@warnings';
/** The link attribute Jaeger uses to carry an OpenTracing reference type through OTLP. */
const REF_TYPE_ATTRIBUTE = 'opentracing.ref_type';
const SERVICE_NAME = 'service.name';
/** What OpenTelemetry SDKs report when no service name was configured. */
const UNKNOWN_SERVICE = 'unknown_service';

const KIND_BY_NUMBER: readonly (SpanKind | undefined)[] = [undefined, SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER];
// Maps, not object literals: the names come from untrusted input.
const KIND_BY_NAME: ReadonlyMap<string, SpanKind> = new Map([
  ['SPAN_KIND_INTERNAL', SpanKind.INTERNAL],
  ['SPAN_KIND_SERVER', SpanKind.SERVER],
  ['SPAN_KIND_CLIENT', SpanKind.CLIENT],
  ['SPAN_KIND_PRODUCER', SpanKind.PRODUCER],
  ['SPAN_KIND_CONSUMER', SpanKind.CONSUMER],
]);
const NUMBER_BY_KIND: Readonly<Record<SpanKind, number>> = {
  [SpanKind.INTERNAL]: 1,
  [SpanKind.SERVER]: 2,
  [SpanKind.CLIENT]: 3,
  [SpanKind.PRODUCER]: 4,
  [SpanKind.CONSUMER]: 5,
};
const STATUS_BY_NAME: ReadonlyMap<string, SpanStatusCode> = new Map([
  ['STATUS_CODE_UNSET', SpanStatusCode.UNSET],
  ['STATUS_CODE_OK', SpanStatusCode.OK],
  ['STATUS_CODE_ERROR', SpanStatusCode.ERROR],
]);

/**
 * Parses OTLP/JSON TracesData `{resourceSpans}` (also the api/v3 `{result: {resourceSpans}}` envelope, the legacy
 * `instrumentationLibrarySpans`, and an array of TracesData as JSON-lines files hold). Ids may be hex in any case,
 * or base64 as some exporters write them. One Trace per trace id, in order of first appearance.
 */
export function parseOtlpJson(json: unknown, origin: string): Trace[] {
  const groups = new Map<string, Span[]>();
  if (Array.isArray(json)) {
    json.forEach((doc, i) => readTracesData(doc, `[${i}]`, origin, groups));
  } else {
    readTracesData(json, '', origin, groups);
  }
  return [...groups].map(([traceId, spans]) => assembleTrace(traceId, spans));
}

function readTracesData(json: unknown, where: string, origin: string, groups: Map<string, Span[]>): void {
  let data = json;
  let at = where;
  if (isRecord(data) && isRecord(data['result']) && !('resourceSpans' in data)) {
    data = data['result'];
    at = join(at, 'result');
  }
  if (!isRecord(data)) throw malformedTrace(origin, at, `expected OTLP TracesData ({resourceSpans: [...]}), found ${describeJsonValue(data)}`);
  const resourceSpans = data['resourceSpans'];
  if (resourceSpans === undefined || resourceSpans === null) {
    if (Object.keys(data).length === 0) return; // `{}`: an OTLP exporter's empty batch
    throw malformedTrace(origin, at, 'expected OTLP TracesData with a resourceSpans array');
  }
  if (!Array.isArray(resourceSpans)) throw malformedTrace(origin, join(at, 'resourceSpans'), `expected an array, found ${describeJsonValue(resourceSpans)}`);
  resourceSpans.forEach((rs, i) => readResourceSpans(rs, `${join(at, 'resourceSpans')}[${i}]`, origin, groups));
}

function readResourceSpans(rs: unknown, where: string, origin: string, groups: Map<string, Span[]>): void {
  if (!isRecord(rs)) throw malformedTrace(origin, where, `expected a ResourceSpans object, found ${describeJsonValue(rs)}`);
  const resourceAttributes = isRecord(rs['resource']) ? readAttributes(rs['resource']['attributes'], join(where, 'resource.attributes'), origin) : [];
  let service = UNKNOWN_SERVICE;
  const resource: Attribute[] = [];
  for (const a of resourceAttributes) {
    if (a.key === SERVICE_NAME && service === UNKNOWN_SERVICE && a.type === 'string' && a.value !== '') service = attributeText(a);
    else resource.push(a);
  }
  const scopeKey = Array.isArray(rs['scopeSpans']) ? 'scopeSpans' : Array.isArray(rs['instrumentationLibrarySpans']) ? 'instrumentationLibrarySpans' : undefined;
  if (scopeKey === undefined) {
    if (rs['scopeSpans'] === undefined && rs['instrumentationLibrarySpans'] === undefined) return;
    throw malformedTrace(origin, join(where, 'scopeSpans'), 'expected an array of ScopeSpans');
  }
  const scopeList = rs[scopeKey] as unknown[];
  scopeList.forEach((ss, i) => {
    const at = `${join(where, scopeKey)}[${i}]`;
    if (!isRecord(ss)) throw malformedTrace(origin, at, `expected a ScopeSpans object, found ${describeJsonValue(ss)}`);
    const scope = readScope(ss['scope'] ?? ss['instrumentationLibrary'], join(at, 'scope'), origin);
    const spans = ss['spans'];
    if (spans === undefined || spans === null) return;
    if (!Array.isArray(spans)) throw malformedTrace(origin, join(at, 'spans'), `expected an array, found ${describeJsonValue(spans)}`);
    spans.forEach((s, k) => {
      const span = readSpan(s, `${join(at, 'spans')}[${k}]`, origin, service, resource, scope);
      const group = groups.get(span.traceId);
      if (group) group.push(span);
      else groups.set(span.traceId, [span]);
    });
  });
}

function readScope(value: unknown, where: string, origin: string): Span['scope'] | undefined {
  if (!isRecord(value)) return undefined;
  const name = typeof value['name'] === 'string' ? value['name'] : '';
  const version = typeof value['version'] === 'string' && value['version'] !== '' ? value['version'] : undefined;
  const attributes = readAttributes(value['attributes'], join(where, 'attributes'), origin);
  if (name === '' && version === undefined && attributes.length === 0) return undefined;
  const scope: { name: string; version?: string; attributes?: readonly Attribute[] } = { name };
  if (version !== undefined) scope.version = version;
  if (attributes.length > 0) scope.attributes = attributes;
  return scope;
}

function readSpan(s: unknown, where: string, origin: string, service: string, resource: readonly Attribute[], scope: Span['scope'] | undefined): Span {
  if (!isRecord(s)) throw malformedTrace(origin, where, `expected a Span object, found ${describeJsonValue(s)}`);
  const traceId = readId(s['traceId'], 16, join(where, 'traceId'), origin);
  const spanId = readId(s['spanId'], 8, join(where, 'spanId'), origin);
  if (traceId === undefined) throw malformedTrace(origin, join(where, 'traceId'), 'missing trace id');
  if (spanId === undefined) throw malformedTrace(origin, join(where, 'spanId'), 'missing span id');
  const parentSpanId = readId(s['parentSpanId'], 8, join(where, 'parentSpanId'), origin);
  const warnings: string[] = [];

  const start = parseNanos(s['startTimeUnixNano']);
  const end = parseNanos(s['endTimeUnixNano']);
  if (s['startTimeUnixNano'] !== undefined && start === undefined) throw malformedTrace(origin, join(where, 'startTimeUnixNano'), 'expected nanoseconds as a decimal string');
  if (s['endTimeUnixNano'] !== undefined && end === undefined) throw malformedTrace(origin, join(where, 'endTimeUnixNano'), 'expected nanoseconds as a decimal string');
  const startNs = start ?? 0n;
  // An end before the start gives a negative duration, which assembleTrace sets to zero and reports.
  const endNs = end ?? startNs;
  if (start === undefined) warnings.push('The source gave this span no start time.');

  const attributes: Attribute[] = [];
  for (const a of readAttributes(s['attributes'], join(where, 'attributes'), origin)) {
    if (a.key === WARNINGS_ATTRIBUTE) warnings.unshift(...warningsFromAttribute(a));
    else attributes.push(a);
  }

  const statusValue = s['status'];
  let statusCode: SpanStatusCode = SpanStatusCode.UNSET;
  let statusMessage: string | undefined;
  if (isRecord(statusValue)) {
    const code = statusValue['code'];
    if (typeof code === 'number' && (code === 0 || code === 1 || code === 2)) statusCode = code;
    else if (typeof code === 'string') statusCode = STATUS_BY_NAME.get(code.toUpperCase()) ?? SpanStatusCode.UNSET;
    if (typeof statusValue['message'] === 'string') statusMessage = statusValue['message'];
  }

  const events: SpanEvent[] = [];
  const eventValues = s['events'];
  if (Array.isArray(eventValues)) {
    eventValues.forEach((e, i) => {
      const at = `${join(where, 'events')}[${i}]`;
      if (!isRecord(e)) throw malformedTrace(origin, at, `expected an Event object, found ${describeJsonValue(e)}`);
      const t = parseNanos(e['timeUnixNano']);
      events.push({
        timeUs: t === undefined ? nanosToMicros(startNs) : nanosToMicros(t),
        name: typeof e['name'] === 'string' ? e['name'] : '',
        attributes: readAttributes(e['attributes'], join(at, 'attributes'), origin),
      });
    });
  }

  const links: SpanLink[] = [];
  const linkValues = s['links'];
  if (Array.isArray(linkValues)) linkValues.forEach((l, i) => links.push(readLink(l, `${join(where, 'links')}[${i}]`, origin)));

  return makeSpan({
    traceId,
    spanId,
    parentSpanId,
    service,
    resource,
    name: typeof s['name'] === 'string' ? s['name'] : '',
    kind: readKind(s['kind']),
    startTimeUs: nanosToMicros(startNs),
    durationUs: nanosDurationToMicros(endNs - startNs),
    status: makeStatus(statusCode, statusMessage),
    attributes,
    events,
    links,
    scope,
    traceState: typeof s['traceState'] === 'string' ? s['traceState'] : undefined,
    flags: typeof s['flags'] === 'number' ? s['flags'] : undefined,
    warnings,
  });
}

function readLink(l: unknown, where: string, origin: string): SpanLink {
  if (!isRecord(l)) throw malformedTrace(origin, where, `expected a Link object, found ${describeJsonValue(l)}`);
  const traceId = readId(l['traceId'], 16, join(where, 'traceId'), origin);
  const spanId = readId(l['spanId'], 8, join(where, 'spanId'), origin);
  if (traceId === undefined || spanId === undefined) throw malformedTrace(origin, where, 'a link needs a trace id and a span id');
  let kind: SpanLink['kind'] = 'link';
  const attributes: Attribute[] = [];
  for (const a of readAttributes(l['attributes'], join(where, 'attributes'), origin)) {
    const refType: string = a.key === REF_TYPE_ATTRIBUTE && kind === 'link' ? attributeText(a).toLowerCase() : '';
    if (refType === 'child_of' || refType === 'follows_from') kind = refType;
    else attributes.push(a);
  }
  const link: { -readonly [K in keyof SpanLink]: SpanLink[K] } = { traceId, spanId, kind, attributes };
  if (typeof l['traceState'] === 'string' && l['traceState'] !== '') link.traceState = l['traceState'];
  return link;
}

function readKind(value: unknown): SpanKind | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? KIND_BY_NUMBER[value] : undefined;
  if (typeof value === 'string') return KIND_BY_NAME.get(value.toUpperCase());
  return undefined;
}

function readAttributes(value: unknown, where: string, origin: string): Attribute[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw malformedTrace(origin, where, `expected an array of attributes, found ${describeJsonValue(value)}`);
  const out: Attribute[] = [];
  for (let i = 0; i < value.length; i++) {
    const kv: unknown = value[i];
    if (!isRecord(kv) || typeof kv['key'] !== 'string') throw malformedTrace(origin, `${where}[${i}]`, 'expected a {key, value} attribute');
    out.push(attributeFromAnyValue(kv['key'], kv['value']));
  }
  return out;
}

function warningsFromAttribute(a: Attribute): string[] {
  if (a.type === 'array') {
    try {
      const parsed: unknown = JSON.parse(attributeText(a));
      if (Array.isArray(parsed)) return parsed.map((w) => (typeof w === 'string' ? w : JSON.stringify(w)));
    } catch {
      // not JSON after all: keep the text as one warning
    }
  }
  return [attributeText(a)];
}

const HEX_ID = /^[0-9a-f]+$/i;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * An OTLP id: hex per the OTLP/JSON spec (any case), or base64 of 16/8 bytes as protobuf's own JSON mapping (and
 * some exporters) write it. Empty and all-zero ids mean "none".
 */
function readId(value: unknown, bytes: 16 | 8, where: string, origin: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw malformedTrace(origin, where, `expected an id string, found ${describeJsonValue(value)}`);
  let hex: string | undefined;
  if (HEX_ID.test(value) && value.length <= bytes * 2) hex = value.toLowerCase();
  else if (BASE64.test(value)) hex = base64ToHex(value, bytes);
  if (hex === undefined) throw malformedTrace(origin, where, `"${quoteForDisplay(value, 48)}" is neither a hex nor a base64 ${bytes}-byte id`);
  if (/^0+$/.test(hex)) return undefined;
  return bytes === 16 ? normalizeTraceId(hex) : normalizeSpanId(hex);
}

function base64ToHex(text: string, bytes: number): string | undefined {
  let binary: string;
  try {
    binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
  if (binary.length !== bytes) return undefined;
  let hex = '';
  for (let i = 0; i < binary.length; i++) hex += binary.charCodeAt(i).toString(16).padStart(2, '0');
  return hex;
}

function join(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

// ---- serialising --------------------------------------------------------------------------------------------------

/**
 * Writes traces as OTLP/JSON TracesData: one resourceSpans per service + resource, one scopeSpans per scope, ids
 * as lowercase hex, times as decimal nanosecond strings. Span warnings travel in Jaeger's `@jaeger@warnings`
 * attribute and link kinds in `opentracing.ref_type`, as Jaeger itself writes them. OTLP has no place for trace
 * warnings or for a FOLLOWS_FROM parent; those are not written.
 */
export function toOtlpTracesData(traces: readonly Trace[]): OtlpTracesData {
  const resources = new Map<string, { resource: { attributes: OtlpKeyValue[] }; scopes: Map<string, { scope: OtlpScopeSpans['scope']; spans: OtlpSpan[] }> }>();
  const resourceKeys = new ResourceKeys();
  for (const trace of traces) {
    for (const span of trace.spans) {
      const key = resourceKeys.of(span);
      let entry = resources.get(key);
      if (!entry) {
        const attributes = [{ key: SERVICE_NAME, value: { stringValue: span.service } }, ...span.resource.map(keyValue)];
        entry = { resource: { attributes }, scopes: new Map() };
        resources.set(key, entry);
      }
      const scopeKey = span.scope ? JSON.stringify(span.scope) : '';
      let scopeEntry = entry.scopes.get(scopeKey);
      if (!scopeEntry) {
        scopeEntry = { scope: toOtlpScope(span.scope), spans: [] };
        entry.scopes.set(scopeKey, scopeEntry);
      }
      scopeEntry.spans.push(toOtlpSpan(span));
    }
  }
  return {
    resourceSpans: [...resources.values()].map((r) => ({
      resource: r.resource,
      scopeSpans: [...r.scopes.values()].map((s) => ({ scope: s.scope, spans: s.spans })),
    })),
  };
}

function keyValue(a: Attribute): OtlpKeyValue {
  return { key: a.key, value: anyValueFromAttribute(a) };
}

function toOtlpScope(scope: Span['scope']): OtlpScopeSpans['scope'] {
  if (!scope) return {};
  const out: { name?: string; version?: string; attributes?: readonly OtlpKeyValue[] } = { name: scope.name };
  if (scope.version !== undefined) out.version = scope.version;
  if (scope.attributes && scope.attributes.length > 0) out.attributes = scope.attributes.map(keyValue);
  return out;
}

function toOtlpSpan(span: Span): OtlpSpan {
  const startNs = microsToNanos(span.startTimeUs);
  const attributes = span.attributes.map(keyValue);
  if (span.warnings.length > 0) {
    attributes.push({ key: WARNINGS_ATTRIBUTE, value: { arrayValue: { values: span.warnings.map((w) => ({ stringValue: w })) } } });
  }
  const status: { code?: number; message?: string } = {};
  if (span.status.code !== SpanStatusCode.UNSET) status.code = span.status.code;
  if (span.status.message !== undefined) status.message = span.status.message;
  const out: { -readonly [K in keyof OtlpSpan]: OtlpSpan[K] } = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name,
    kind: span.kind === undefined ? 0 : NUMBER_BY_KIND[span.kind],
    startTimeUnixNano: startNs.toString(),
    endTimeUnixNano: (startNs + microsDurationToNanos(span.durationUs)).toString(),
    attributes,
    events: span.events.map((e) => ({ timeUnixNano: microsToNanos(e.timeUs).toString(), name: e.name, attributes: e.attributes.map(keyValue) })),
    links: span.links.map(toOtlpLink),
    status,
  };
  if (span.parentSpanId !== undefined) out.parentSpanId = span.parentSpanId;
  if (span.traceState !== undefined) out.traceState = span.traceState;
  if (span.flags !== undefined) out.flags = span.flags;
  return out;
}

function toOtlpLink(link: SpanLink): OtlpLink {
  const attributes = link.attributes.map(keyValue);
  if (link.kind !== 'link') attributes.unshift({ key: REF_TYPE_ATTRIBUTE, value: { stringValue: link.kind } });
  const out: { -readonly [K in keyof OtlpLink]: OtlpLink[K] } = { traceId: link.traceId, spanId: link.spanId, attributes };
  if (link.traceState !== undefined) out.traceState = link.traceState;
  return out;
}
