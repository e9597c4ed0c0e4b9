import { ResourceKeys } from './resourceKey';
import { quoteForDisplay } from '../text/quoteForDisplay';
import type { Attribute, Span, SpanEvent, SpanLink, Trace, TraceWarning } from './trace';
import { SpanKind, SpanStatusCode } from './trace';
import { normalizeSpanId, normalizeTraceId } from './ids';
import { assembleTrace } from './assemble';
import { attributeFromJaegerTag, jaegerTagFromAttribute } from './attributeValues';
import type { JaegerTagJson } from './attributeValues';
import { describeJsonValue, isRecord, malformedTrace } from './parseFailure';
import { makeSpan, makeStatus } from './spanFields';
import { SpanLensError } from '../errors';

export type JaegerJsonKeyValue = JaegerTagJson;

export interface JaegerJsonReference {
  readonly refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  readonly traceID: string;
  readonly spanID: string;
}
export interface JaegerJsonLog {
  readonly timestamp: number;
  readonly fields: readonly JaegerJsonKeyValue[];
}
export interface JaegerJsonSpan {
  readonly traceID: string;
  readonly spanID: string;
  readonly flags?: number;
  readonly operationName: string;
  readonly references: readonly JaegerJsonReference[];
  readonly startTime: number;
  readonly duration: number;
  readonly tags: readonly JaegerJsonKeyValue[];
  readonly logs: readonly JaegerJsonLog[];
  readonly processID: string;
  readonly warnings: readonly string[] | null;
}
export interface JaegerJsonProcess {
  readonly serviceName: string;
  readonly tags: readonly JaegerJsonKeyValue[];
}
export interface JaegerJsonTrace {
  readonly traceID: string;
  readonly spans: readonly JaegerJsonSpan[];
  readonly processes: Readonly<Record<string, JaegerJsonProcess>>;
  readonly warnings: readonly string[] | null;
}

/** Span tags Jaeger derives from OTLP fields; we map them back to those fields. */
const TAG_SPAN_KIND = 'span.kind';
const TAG_STATUS_CODE = 'otel.status_code';
const TAG_STATUS_DESCRIPTION = 'otel.status_description';
const TAG_ERROR = 'error';
const TAG_SCOPE_NAME = 'otel.scope.name';
const TAG_SCOPE_VERSION = 'otel.scope.version';
const TAG_LIBRARY_NAME = 'otel.library.name';
const TAG_LIBRARY_VERSION = 'otel.library.version';
const TAG_TRACE_STATE = 'w3c.tracestate';

// Maps, not object literals: tag values are untrusted text ("constructor" must not find Object's).
const KIND_BY_TAG: ReadonlyMap<string, SpanKind> = new Map([
  ['client', SpanKind.CLIENT],
  ['server', SpanKind.SERVER],
  ['producer', SpanKind.PRODUCER],
  ['consumer', SpanKind.CONSUMER],
  ['internal', SpanKind.INTERNAL],
]);
const STATUS_BY_TAG: ReadonlyMap<string, SpanStatusCode> = new Map([
  ['OK', SpanStatusCode.OK],
  ['ERROR', SpanStatusCode.ERROR],
  ['UNSET', SpanStatusCode.UNSET],
]);
const TAG_BY_KIND: Readonly<Record<SpanKind, string>> = {
  [SpanKind.CLIENT]: 'client',
  [SpanKind.SERVER]: 'server',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
  [SpanKind.INTERNAL]: 'internal',
};

/**
 * Parses Jaeger's v1 UI JSON: a bare trace `{traceID, spans, processes}`, an array of such traces, or the
 * `{data:[...], errors}` envelope of `/api/traces`. Traces with the same id are merged. Envelope errors become
 * warnings on the traces (on every trace when they name none); an envelope with errors and no traces throws.
 */
export function parseJaegerJson(json: unknown, origin: string): Trace[] {
  let traceValues: unknown[];
  let base: string;
  const envelopeErrors: { traceId: string | undefined; message: string }[] = [];
  if (Array.isArray(json)) {
    traceValues = json;
    base = '';
  } else if (isRecord(json) && ('data' in json || 'errors' in json) && !('spans' in json)) {
    const data = json['data'];
    if (data !== null && data !== undefined && !Array.isArray(data)) throw malformedTrace(origin, 'data', `expected an array of traces, found ${describeJsonValue(data)}`);
    traceValues = data ?? [];
    base = 'data';
    const errors = json['errors'];
    if (Array.isArray(errors)) {
      for (const e of errors) {
        if (!isRecord(e)) continue;
        const code = e['code'] === undefined ? '' : ` (code ${String(e['code'])})`;
        const msg = typeof e['msg'] === 'string' ? e['msg'] : JSON.stringify(e);
        const traceId = typeof e['traceID'] === 'string' && e['traceID'] !== '' ? normalizeTraceId(e['traceID']) : undefined;
        envelopeErrors.push({ traceId, message: `Jaeger reported an error${code}: ${msg}` });
      }
    }
  } else if (isRecord(json) && Array.isArray(json['spans'])) {
    traceValues = [json];
    base = '';
  } else {
    throw malformedTrace(origin, '', `expected a Jaeger trace ({traceID, spans, processes}), an array of them, or a {data: [...]} envelope, found ${describeJsonValue(json)}`);
  }

  const groups = new Map<string, { spans: Span[]; warnings: TraceWarning[] }>();
  traceValues.forEach((value, i) => {
    const where = base === '' ? (Array.isArray(json) ? `[${i}]` : '') : `${base}[${i}]`;
    readTrace(value, where, origin, groups);
  });

  if (groups.size === 0 && envelopeErrors.length > 0) {
    const text = envelopeErrors.map((e) => e.message).join('; ');
    throw new SpanLensError('not-found', `${origin}: no traces. ${text}`, /^https?:\/\//i.test(origin) ? { url: origin } : { file: origin });
  }
  for (const e of envelopeErrors) {
    const targets = e.traceId !== undefined && groups.has(e.traceId) ? [groups.get(e.traceId)!] : [...groups.values()];
    for (const g of targets) g.warnings.push({ kind: 'source', message: e.message });
  }
  return [...groups].map(([traceId, g]) => assembleTrace(traceId, g.spans, g.warnings));
}

function readTrace(value: unknown, where: string, origin: string, groups: Map<string, { spans: Span[]; warnings: TraceWarning[] }>): void {
  if (!isRecord(value)) throw malformedTrace(origin, where, `expected a trace object, found ${describeJsonValue(value)}`);
  const spansValue = value['spans'];
  if (!Array.isArray(spansValue)) throw malformedTrace(origin, joinPath(where, 'spans'), `expected an array of spans, found ${describeJsonValue(spansValue)}`);
  const processes = readProcesses(value['processes'], joinPath(where, 'processes'), origin);
  let traceIdRaw = typeof value['traceID'] === 'string' && value['traceID'] !== '' ? value['traceID'] : undefined;
  const spans: Span[] = [];
  const inlineProcessCache = new Map<string, ProcessInfo>();
  spansValue.forEach((s, i) => {
    const span = readSpan(s, `${joinPath(where, 'spans')}[${i}]`, origin, processes, inlineProcessCache, traceIdRaw);
    traceIdRaw ??= span.traceId;
    spans.push(span);
  });
  if (traceIdRaw === undefined) {
    if (spans.length === 0) return; // an empty trace object names no trace: nothing to show
    throw malformedTrace(origin, joinPath(where, 'traceID'), 'missing trace id');
  }
  const traceId = normalizeTraceId(checkHexId(traceIdRaw, joinPath(where, 'traceID'), origin, 32));
  let group = groups.get(traceId);
  if (!group) {
    group = { spans: [], warnings: [] };
    groups.set(traceId, group);
  }
  for (const span of spans) group.spans.push(span);
  const warnings = value['warnings'];
  if (Array.isArray(warnings)) for (const w of warnings) if (typeof w === 'string') group.warnings.push({ kind: 'source', message: w });
}

interface ProcessInfo {
  readonly service: string;
  readonly resource: readonly Attribute[];
}

function readProcesses(value: unknown, where: string, origin: string): Map<string, ProcessInfo> {
  const out = new Map<string, ProcessInfo>();
  if (value === undefined || value === null) return out;
  if (!isRecord(value)) throw malformedTrace(origin, where, `expected an object of processes, found ${describeJsonValue(value)}`);
  for (const [id, p] of Object.entries(value)) out.set(id, readProcess(p, `${where}.${id}`, origin));
  return out;
}

function readProcess(p: unknown, where: string, origin: string): ProcessInfo {
  if (!isRecord(p)) throw malformedTrace(origin, where, `expected a process object, found ${describeJsonValue(p)}`);
  const service = typeof p['serviceName'] === 'string' && p['serviceName'] !== '' ? p['serviceName'] : 'unknown';
  return { service, resource: readTags(p['tags'], joinPath(where, 'tags'), origin) };
}

function readTags(value: unknown, where: string, origin: string): Attribute[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw malformedTrace(origin, where, `expected an array of tags, found ${describeJsonValue(value)}`);
  const out: Attribute[] = [];
  for (let i = 0; i < value.length; i++) {
    const kv: unknown = value[i];
    if (!isRecord(kv) || typeof kv['key'] !== 'string') throw malformedTrace(origin, `${where}[${i}]`, 'expected a {key, type, value} tag');
    out.push(attributeFromJaegerTag(kv['key'], kv['type'], kv['value']));
  }
  return out;
}

function readSpan(
  s: unknown,
  where: string,
  origin: string,
  processes: ReadonlyMap<string, ProcessInfo>,
  inlineProcessCache: Map<string, ProcessInfo>,
  traceIdOfTrace: string | undefined,
): Span {
  if (!isRecord(s)) throw malformedTrace(origin, where, `expected a span object, found ${describeJsonValue(s)}`);
  const spanIdRaw = s['spanID'];
  if (typeof spanIdRaw !== 'string' || spanIdRaw === '') throw malformedTrace(origin, joinPath(where, 'spanID'), 'missing span id');
  const spanId = normalizeSpanId(checkHexId(spanIdRaw, joinPath(where, 'spanID'), origin, 16));
  const traceIdValue = typeof s['traceID'] === 'string' && s['traceID'] !== '' ? s['traceID'] : traceIdOfTrace;
  if (traceIdValue === undefined) throw malformedTrace(origin, joinPath(where, 'traceID'), 'missing trace id');
  const traceId = normalizeTraceId(checkHexId(traceIdValue, joinPath(where, 'traceID'), origin, 32));
  const spanWarnings: string[] = [];
  const sourceWarnings = s['warnings'];
  if (Array.isArray(sourceWarnings)) for (const w of sourceWarnings) if (typeof w === 'string') spanWarnings.push(w);

  const startTimeUs = readMicros(s['startTime'], joinPath(where, 'startTime'), origin);
  const durationUs = readMicros(s['duration'], joinPath(where, 'duration'), origin);
  if (s['startTime'] === undefined) addOnce(spanWarnings, 'The source gave this span no start time.');

  let process: ProcessInfo | undefined;
  const processId = s['processID'];
  if (typeof processId === 'string' && processes.has(processId)) process = processes.get(processId);
  if (!process && isRecord(s['process'])) {
    const key = JSON.stringify(s['process']);
    process = inlineProcessCache.get(key);
    if (!process) {
      process = readProcess(s['process'], joinPath(where, 'process'), origin);
      inlineProcessCache.set(key, process);
    }
  }
  if (!process) {
    addOnce(spanWarnings, `The source names process "${String(processId)}", which it does not define; service unknown.`);
    process = { service: 'unknown', resource: [] };
  }

  const tags = readTags(s['tags'], joinPath(where, 'tags'), origin);
  const fields = spanFieldsFromTags(tags);
  const { parentSpanId, parentRefType, links } = readReferences(s, traceId, where, origin);

  const logs = s['logs'];
  const events: SpanEvent[] = [];
  if (Array.isArray(logs)) logs.forEach((log, i) => events.push(readLog(log, `${joinPath(where, 'logs')}[${i}]`, origin)));

  const operationName = s['operationName'];
  return makeSpan({
    traceId,
    spanId,
    parentSpanId,
    parentRefType,
    service: process.service,
    resource: process.resource,
    name: typeof operationName === 'string' ? operationName : '',
    kind: fields.kind,
    startTimeUs,
    durationUs,
    status: fields.status,
    errorTag: fields.errorTag,
    attributes: fields.attributes,
    events,
    links,
    scope: fields.scope,
    traceState: fields.traceState,
    flags: typeof s['flags'] === 'number' ? s['flags'] : undefined,
    warnings: spanWarnings,
  });
}

interface TagFields {
  kind: SpanKind | undefined;
  status: Span['status'];
  errorTag: boolean;
  attributes: Attribute[];
  scope: Span['scope'] | undefined;
  traceState: string | undefined;
}

/** Takes the tags Jaeger derives from OTLP span fields back out of the tag list. */
function spanFieldsFromTags(tags: readonly Attribute[]): TagFields {
  let kind: SpanKind | undefined;
  let statusCode: SpanStatusCode | undefined;
  let statusMessage: string | undefined;
  let errorTagIndex = -1;
  let errorTag = false;
  let scopeName: string | undefined;
  let scopeVersion: string | undefined;
  let traceState: string | undefined;
  const skip = new Set<number>();
  tags.forEach((t, i) => {
    const text = typeof t.value === 'string' ? t.value : String(t.value);
    switch (t.key) {
      case TAG_SPAN_KIND: {
        const k = KIND_BY_TAG.get(text.toLowerCase());
        if (k !== undefined && kind === undefined) {
          kind = k;
          skip.add(i);
        }
        break;
      }
      case TAG_STATUS_CODE: {
        const code = STATUS_BY_TAG.get(text.toUpperCase());
        if (code !== undefined && statusCode === undefined) {
          statusCode = code;
          skip.add(i);
        }
        break;
      }
      case TAG_STATUS_DESCRIPTION:
        if (statusMessage === undefined) {
          statusMessage = text;
          skip.add(i);
        }
        break;
      case TAG_ERROR:
        if ((t.value === true || t.value === 'true') && errorTagIndex < 0) {
          errorTag = true;
          errorTagIndex = i;
        }
        break;
      case TAG_SCOPE_NAME:
      case TAG_LIBRARY_NAME:
        if (scopeName === undefined) {
          scopeName = text;
          skip.add(i);
        }
        break;
      case TAG_SCOPE_VERSION:
      case TAG_LIBRARY_VERSION:
        if (scopeVersion === undefined) {
          scopeVersion = text;
          skip.add(i);
        }
        break;
      case TAG_TRACE_STATE:
        if (traceState === undefined) {
          traceState = text;
          skip.add(i);
        }
        break;
    }
  });
  // `error=true` is what Jaeger writes for an ERROR status; it is only extra information when the status says otherwise.
  if (errorTag && (statusCode === undefined || statusCode === SpanStatusCode.ERROR)) {
    statusCode = SpanStatusCode.ERROR;
    skip.add(errorTagIndex);
  }
  const attributes = skip.size === 0 ? [...tags] : tags.filter((_, i) => !skip.has(i));
  let scope: Span['scope'] | undefined;
  if (scopeName !== undefined || scopeVersion !== undefined) {
    scope = scopeVersion === undefined ? { name: scopeName ?? '' } : { name: scopeName ?? '', version: scopeVersion };
  }
  return {
    kind,
    status: makeStatus(statusCode ?? SpanStatusCode.UNSET, statusMessage),
    errorTag,
    attributes,
    scope,
    traceState,
  };
}

/**
 * The parent is the first CHILD_OF reference within the same trace, else the first such FOLLOWS_FROM (Jaeger's
 * rule), else an old export's `parentSpanID` field. Every other reference becomes a link.
 */
function readReferences(
  s: Record<string, unknown>,
  traceId: string,
  where: string,
  origin: string,
): { parentSpanId: string | undefined; parentRefType: 'follows_from' | undefined; links: SpanLink[] } {
  const refs: { kind: 'child_of' | 'follows_from' | 'link'; traceId: string; spanId: string }[] = [];
  const value = s['references'];
  if (Array.isArray(value)) {
    value.forEach((r, i) => {
      const at = `${joinPath(where, 'references')}[${i}]`;
      if (!isRecord(r) || typeof r['spanID'] !== 'string') throw malformedTrace(origin, at, 'expected a {refType, traceID, spanID} reference');
      const refType = typeof r['refType'] === 'string' ? r['refType'].toUpperCase() : '';
      const kind = refType === 'CHILD_OF' ? 'child_of' : refType === 'FOLLOWS_FROM' ? 'follows_from' : 'link';
      const refTrace = typeof r['traceID'] === 'string' && r['traceID'] !== '' ? normalizeTraceId(checkHexId(r['traceID'], `${at}.traceID`, origin, 32)) : traceId;
      refs.push({ kind, traceId: refTrace, spanId: normalizeSpanId(checkHexId(r['spanID'], `${at}.spanID`, origin, 16)) });
    });
  } else if (value !== undefined && value !== null) {
    throw malformedTrace(origin, joinPath(where, 'references'), `expected an array, found ${describeJsonValue(value)}`);
  }
  let parentIndex = refs.findIndex((r) => r.kind === 'child_of' && r.traceId === traceId);
  if (parentIndex < 0) parentIndex = refs.findIndex((r) => r.kind === 'follows_from' && r.traceId === traceId);
  let parentSpanId: string | undefined;
  let parentRefType: 'follows_from' | undefined;
  if (parentIndex >= 0) {
    const ref = refs[parentIndex]!;
    parentSpanId = ref.spanId;
    if (ref.kind === 'follows_from') parentRefType = 'follows_from';
  } else if (typeof s['parentSpanID'] === 'string' && /^[0-9a-f]+$/i.test(s['parentSpanID']) && !/^0+$/.test(s['parentSpanID'])) {
    parentSpanId = normalizeSpanId(s['parentSpanID']);
  }
  const links: SpanLink[] = [];
  refs.forEach((r, i) => {
    if (i !== parentIndex) links.push({ traceId: r.traceId, spanId: r.spanId, kind: r.kind, attributes: [] });
  });
  return { parentSpanId, parentRefType, links };
}

function readLog(log: unknown, where: string, origin: string): SpanEvent {
  if (!isRecord(log)) throw malformedTrace(origin, where, `expected a log object, found ${describeJsonValue(log)}`);
  const timeUs = readMicros(log['timestamp'], joinPath(where, 'timestamp'), origin);
  const fields = readTags(log['fields'], joinPath(where, 'fields'), origin);
  const eventIndex = fields.findIndex((f) => f.key === 'event');
  if (eventIndex >= 0) {
    const f = fields[eventIndex]!;
    return { timeUs, name: typeof f.value === 'string' ? f.value : String(f.value), attributes: fields.filter((_, i) => i !== eventIndex) };
  }
  const message = fields.find((f) => f.key === 'message');
  return { timeUs, name: message ? String(message.value) : 'log', attributes: fields };
}

function readMicros(value: unknown, where: string, origin: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  throw malformedTrace(origin, where, `expected microseconds as a number, found ${describeJsonValue(value)}`);
}

function checkHexId(id: string, where: string, origin: string, maxDigits: 32 | 16): string {
  if (id.length > maxDigits || !/^[0-9a-f]+$/i.test(id)) throw malformedTrace(origin, where, `"${quoteForDisplay(id, 40)}" is not a hex id of up to ${maxDigits} digits`);
  return id;
}

function addOnce(list: string[], message: string): void {
  if (!list.includes(message)) list.push(message);
}

function joinPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

// ---- serialising --------------------------------------------------------------------------------------------------

/**
 * Writes a Trace as Jaeger's v1 UI JSON, in the shape Jaeger v2 produces from OTLP: processes p1..pN (one per
 * service + resource), scope tags first, then the attributes, then `span.kind`, `otel.status_code`, `error`,
 * `otel.status_description`, `w3c.tracestate`. Events become logs with an `event` field. Jaeger JSON has no link
 * attributes and no scope attributes, so those are not written; start times keep a sub-microsecond fraction where
 * the model has one. Trace warnings that parsing would not recompute (the source's, duplicates) are written.
 */
export function toJaegerJsonTrace(trace: Trace): JaegerJsonTrace {
  const processIdByKey = new Map<string, string>();
  const processes: Record<string, JaegerJsonProcess> = {};
  const spans: JaegerJsonSpan[] = [];
  const resourceKeys = new ResourceKeys();
  for (const span of trace.spans) {
    const key = resourceKeys.of(span);
    let processID = processIdByKey.get(key);
    if (processID === undefined) {
      processID = `p${processIdByKey.size + 1}`;
      processIdByKey.set(key, processID);
      processes[processID] = { serviceName: span.service, tags: span.resource.map(jaegerTagFromAttribute) };
    }
    spans.push(toJaegerSpan(span, trace.traceId, processID));
  }
  const warnings = trace.warnings.filter((w) => w.kind === 'source' || w.kind === 'duplicate-span').map((w) => w.message);
  return { traceID: trace.traceId, spans, processes, warnings: warnings.length > 0 ? warnings : null };
}

function toJaegerSpan(span: Span, traceId: string, processID: string): JaegerJsonSpan {
  const references: JaegerJsonReference[] = [];
  if (span.parentSpanId !== undefined) {
    references.push({ refType: span.parentRefType === 'follows_from' ? 'FOLLOWS_FROM' : 'CHILD_OF', traceID: traceId, spanID: span.parentSpanId });
  }
  for (const link of span.links) {
    references.push({ refType: link.kind === 'child_of' ? 'CHILD_OF' : 'FOLLOWS_FROM', traceID: link.traceId, spanID: link.spanId });
  }
  const tags: JaegerJsonKeyValue[] = [];
  if (span.scope) {
    if (span.scope.name !== '') tags.push({ key: TAG_SCOPE_NAME, type: 'string', value: span.scope.name });
    if (span.scope.version !== undefined) tags.push({ key: TAG_SCOPE_VERSION, type: 'string', value: span.scope.version });
  }
  for (const a of span.attributes) tags.push(jaegerTagFromAttribute(a));
  if (span.kind !== undefined) tags.push({ key: TAG_SPAN_KIND, type: 'string', value: TAG_BY_KIND[span.kind] });
  if (span.status.code === SpanStatusCode.OK) tags.push({ key: TAG_STATUS_CODE, type: 'string', value: 'OK' });
  if (span.status.code === SpanStatusCode.ERROR) {
    tags.push({ key: TAG_STATUS_CODE, type: 'string', value: 'ERROR' });
    tags.push({ key: TAG_ERROR, type: 'bool', value: true });
  }
  if (span.status.message !== undefined) tags.push({ key: TAG_STATUS_DESCRIPTION, type: 'string', value: span.status.message });
  if (span.traceState !== undefined) tags.push({ key: TAG_TRACE_STATE, type: 'string', value: span.traceState });
  const logs: JaegerJsonLog[] = span.events.map((e) => ({
    timestamp: e.timeUs,
    fields: [{ key: 'event', type: 'string', value: e.name }, ...e.attributes.map(jaegerTagFromAttribute)],
  }));
  const out: { -readonly [K in keyof JaegerJsonSpan]: JaegerJsonSpan[K] } = {
    traceID: traceId,
    spanID: span.spanId,
    operationName: span.name,
    references,
    startTime: span.startTimeUs,
    duration: span.durationUs,
    tags,
    logs,
    processID,
    warnings: span.warnings.length > 0 ? [...span.warnings] : null,
  };
  if (span.flags !== undefined) out.flags = span.flags;
  return out;
}
