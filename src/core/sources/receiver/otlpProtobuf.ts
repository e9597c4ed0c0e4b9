import * as protobuf from 'protobufjs/light';
import type {
  OtlpAnyValue,
  OtlpEvent,
  OtlpKeyValue,
  OtlpLink,
  OtlpResourceSpans,
  OtlpScopeSpans,
  OtlpSpan,
  OtlpTracesData,
} from '../../model/otlpJson';
import { otlpTraceSchema } from './otlpProtoSchema';

/** What protobufjs hands back for the messages we read; every field may be absent on the wire. */
interface PbLong {
  readonly low: number;
  readonly high: number;
}
type PbInt64 = PbLong | number | string;
interface PbAnyValue {
  readonly value?: string;
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  readonly intValue?: PbInt64;
  readonly doubleValue?: number;
  readonly arrayValue?: { readonly values?: readonly PbAnyValue[] };
  readonly kvlistValue?: { readonly values?: readonly PbKeyValue[] };
  readonly bytesValue?: Uint8Array;
}
interface PbKeyValue {
  readonly key?: string;
  readonly value?: PbAnyValue;
}
interface PbEvent {
  readonly timeUnixNano?: PbInt64;
  readonly name?: string;
  readonly attributes?: readonly PbKeyValue[];
}
interface PbLink {
  readonly traceId?: Uint8Array;
  readonly spanId?: Uint8Array;
  readonly traceState?: string;
  readonly attributes?: readonly PbKeyValue[];
  readonly flags?: number;
}
interface PbSpan {
  readonly traceId?: Uint8Array;
  readonly spanId?: Uint8Array;
  readonly traceState?: string;
  readonly parentSpanId?: Uint8Array;
  readonly flags?: number;
  readonly name?: string;
  readonly kind?: number;
  readonly startTimeUnixNano?: PbInt64;
  readonly endTimeUnixNano?: PbInt64;
  readonly attributes?: readonly PbKeyValue[];
  readonly events?: readonly PbEvent[];
  readonly links?: readonly PbLink[];
  readonly status?: { readonly code?: number; readonly message?: string };
}
interface PbScopeSpans {
  readonly scope?: { readonly name?: string; readonly version?: string; readonly attributes?: readonly PbKeyValue[] };
  readonly spans?: readonly PbSpan[];
}
interface PbResourceSpans {
  readonly resource?: { readonly attributes?: readonly PbKeyValue[] };
  readonly scopeSpans?: readonly PbScopeSpans[];
}
interface PbExportRequest {
  readonly resourceSpans?: readonly PbResourceSpans[];
}

interface OtlpMessages {
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
  readonly rpcStatus: protobuf.Type;
}

let messages: OtlpMessages | undefined;

/** Built on first use: reflection types compile their codecs lazily, so the cost is paid by the first request. */
function otlpMessages(): OtlpMessages {
  if (!messages) {
    const root = protobuf.Root.fromJSON(otlpTraceSchema);
    messages = {
      request: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
      response: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
      rpcStatus: root.lookupType('google.rpc.Status'),
    };
  }
  return messages;
}

/**
 * Decodes an OTLP/protobuf ExportTraceServiceRequest into the OTLP/JSON shape (ids as lowercase hex, 64-bit
 * integers as decimal strings), so protobuf and JSON bodies share one conversion path to our model.
 * Throws protobufjs' error on bytes that are not a valid message.
 */
export function decodeExportTraceRequest(body: Uint8Array): OtlpTracesData {
  const decoded = otlpMessages().request.decode(body) as unknown as PbExportRequest;
  return { resourceSpans: (decoded.resourceSpans ?? []).map(toJsonResourceSpans) };
}

/** An ExportTraceServiceResponse; an empty partial success means everything was accepted. */
export function encodeExportTraceResponse(rejectedSpans: number, errorMessage: string): Uint8Array {
  const type = otlpMessages().response;
  const payload = rejectedSpans > 0 || errorMessage ? { partialSuccess: { rejectedSpans, errorMessage } } : {};
  return type.encode(type.create(payload)).finish();
}

/** A google.rpc.Status, the body OTLP/HTTP servers send with 4xx/5xx answers to protobuf requests. */
export function encodeRpcStatus(code: number, message: string): Uint8Array {
  const type = otlpMessages().rpcStatus;
  return type.encode(type.create({ code, message })).finish();
}

/** Test and tooling helper: the protobuf bytes of an OTLP/JSON-shaped request (ids hex, times decimal strings). */
export function encodeExportTraceRequestFromJsonShape(data: OtlpTracesData): Uint8Array {
  const type = otlpMessages().request;
  return type.encode(type.fromObject(jsonShapeToProtoObject(data) as Record<string, unknown>)).finish();
}

/** Decodes an ExportTraceServiceResponse (for probes and tests). */
export function decodeExportTraceResponse(body: Uint8Array): { rejectedSpans: number; errorMessage: string } {
  const decoded = otlpMessages().response.decode(body) as unknown as {
    partialSuccess?: { rejectedSpans?: PbInt64; errorMessage?: string };
  };
  return {
    rejectedSpans: Number(int64ToDecimal(decoded.partialSuccess?.rejectedSpans ?? 0)),
    errorMessage: decoded.partialSuccess?.errorMessage ?? '',
  };
}

/** Decodes a google.rpc.Status body. */
export function decodeRpcStatus(body: Uint8Array): { code: number; message: string } {
  const decoded = otlpMessages().rpcStatus.decode(body) as unknown as { code?: number; message?: string };
  return { code: decoded.code ?? 0, message: decoded.message ?? '' };
}

function toJsonResourceSpans(rs: PbResourceSpans): OtlpResourceSpans {
  return {
    resource: { attributes: toJsonAttributes(rs.resource?.attributes) },
    scopeSpans: (rs.scopeSpans ?? []).map(toJsonScopeSpans),
  };
}

function toJsonScopeSpans(ss: PbScopeSpans): OtlpScopeSpans {
  const scope = ss.scope
    ? {
        name: ss.scope.name ?? '',
        ...(ss.scope.version ? { version: ss.scope.version } : {}),
        ...(ss.scope.attributes?.length ? { attributes: toJsonAttributes(ss.scope.attributes) } : {}),
      }
    : {};
  return { scope, spans: (ss.spans ?? []).map(toJsonSpan) };
}

function toJsonSpan(s: PbSpan): OtlpSpan {
  // One object literal with every key, absent ones undefined: all spans share one hidden class, which keeps the
  // parser's property reads monomorphic (building them key by key made parsing about 40% slower).
  return {
    traceId: bytesToHex(s.traceId),
    spanId: bytesToHex(s.spanId),
    traceState: s.traceState || undefined,
    parentSpanId: bytesToHex(s.parentSpanId) || undefined,
    flags: s.flags || undefined,
    name: s.name ?? '',
    kind: s.kind ?? 0,
    startTimeUnixNano: int64ToDecimal(s.startTimeUnixNano ?? 0),
    endTimeUnixNano: int64ToDecimal(s.endTimeUnixNano ?? 0),
    attributes: toJsonAttributes(s.attributes),
    events: s.events?.length ? s.events.map(toJsonEvent) : [],
    links: s.links?.length ? s.links.map(toJsonLink) : [],
    status: s.status ? { code: s.status.code || undefined, message: s.status.message || undefined } : {},
  } as OtlpSpan;
}

function toJsonEvent(e: PbEvent): OtlpEvent {
  return { timeUnixNano: int64ToDecimal(e.timeUnixNano ?? 0), name: e.name ?? '', attributes: toJsonAttributes(e.attributes) };
}

function toJsonLink(l: PbLink): OtlpLink {
  return {
    traceId: bytesToHex(l.traceId),
    spanId: bytesToHex(l.spanId),
    ...(l.traceState ? { traceState: l.traceState } : {}),
    attributes: toJsonAttributes(l.attributes),
  };
}

function toJsonAttributes(list: readonly PbKeyValue[] | undefined): OtlpKeyValue[] {
  if (!list || list.length === 0) return [];
  const out: OtlpKeyValue[] = new Array<OtlpKeyValue>(list.length);
  for (let i = 0; i < list.length; i++) {
    const kv = list[i]!;
    out[i] = { key: kv.key ?? '', value: kv.value ? toJsonAnyValue(kv.value) : {} };
  }
  return out;
}

function toJsonAnyValue(v: PbAnyValue): OtlpAnyValue {
  // `value` is protobufjs' virtual oneof property: the name of the member present on the wire.
  switch (v.value) {
    case 'stringValue':
      return { stringValue: v.stringValue ?? '' };
    case 'boolValue':
      return { boolValue: v.boolValue ?? false };
    case 'intValue':
      return { intValue: int64ToDecimal(v.intValue ?? 0) };
    case 'doubleValue':
      return { doubleValue: v.doubleValue ?? 0 };
    case 'arrayValue':
      return { arrayValue: { values: (v.arrayValue?.values ?? []).map(toJsonAnyValue) } };
    case 'kvlistValue':
      return { kvlistValue: { values: toJsonAttributes(v.kvlistValue?.values) } };
    case 'bytesValue':
      return { bytesValue: v.bytesValue ? bufferOf(v.bytesValue).toString('base64') : '' };
    default:
      return {};
  }
}

function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function bytesToHex(bytes: Uint8Array | undefined): string {
  return bytes && bytes.length > 0 ? bufferOf(bytes).toString('hex') : '';
}

const TWO_32 = 4294967296;

/** Exact decimal text of an unsigned or signed 64-bit value, whatever form protobufjs produced. */
export function int64ToDecimal(v: PbInt64): string {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : BigInt(Math.trunc(v)).toString();
  if (typeof v === 'string') return v;
  const high = (v as { unsigned?: boolean }).unsigned === true ? v.high >>> 0 : v.high | 0;
  // Exact whenever the result is a safe integer: high * 2^32 only scales by a power of two.
  const n = high * TWO_32 + (v.low >>> 0);
  if (Number.isSafeInteger(n)) return String(n);
  const big = (BigInt(high) << 32n) + BigInt(v.low >>> 0);
  return big.toString();
}

function hexToBytes(hex: string | undefined): Uint8Array {
  return hex ? Buffer.from(hex, 'hex') : new Uint8Array(0);
}

/** Only used by the encoder helper: protobufjs' fromObject wants bytes (not hex) and accepts int64 as strings. */
function jsonShapeToProtoObject(data: OtlpTracesData): unknown {
  const kvs = (list: readonly OtlpKeyValue[] | undefined): unknown[] => (list ?? []).map((kv) => ({ key: kv.key, value: anyv(kv.value) }));
  const anyv = (v: OtlpAnyValue | undefined): unknown => {
    if (!v) return undefined;
    if (v.arrayValue) return { arrayValue: { values: (v.arrayValue.values ?? []).map(anyv) } };
    if (v.kvlistValue) return { kvlistValue: { values: kvs(v.kvlistValue.values) } };
    if (v.bytesValue !== undefined) return { bytesValue: Buffer.from(v.bytesValue, 'base64') };
    if (v.intValue !== undefined) return { intValue: String(v.intValue) };
    return { ...v };
  };
  return {
    resourceSpans: data.resourceSpans.map((rs) => ({
      resource: { attributes: kvs(rs.resource.attributes) },
      scopeSpans: rs.scopeSpans.map((ss) => ({
        scope: ss.scope ? { name: ss.scope.name, version: ss.scope.version, attributes: kvs(ss.scope.attributes) } : undefined,
        spans: ss.spans.map((s) => ({
          traceId: hexToBytes(s.traceId),
          spanId: hexToBytes(s.spanId),
          parentSpanId: hexToBytes(s.parentSpanId),
          traceState: s.traceState,
          flags: s.flags,
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: s.startTimeUnixNano,
          endTimeUnixNano: s.endTimeUnixNano,
          attributes: kvs(s.attributes),
          events: (s.events ?? []).map((e) => ({ timeUnixNano: e.timeUnixNano, name: e.name, attributes: kvs(e.attributes) })),
          links: (s.links ?? []).map((l) => ({
            traceId: hexToBytes(l.traceId),
            spanId: hexToBytes(l.spanId),
            traceState: l.traceState,
            attributes: kvs(l.attributes),
          })),
          status: s.status,
        })),
      })),
    })),
  };
}
