import * as protobuf from 'protobufjs/light';
import type { OtlpAnyValue, OtlpKeyValue, OtlpTracesData } from '../../model/otlpJson';
import { otlpTraceSchema } from './otlpProtoSchema';

/** What protobufjs hands back for a 64-bit integer: a Long-like pair of words, a number, or text. */
interface PbLong {
  readonly low: number;
  readonly high: number;
}
type PbInt64 = PbLong | number | string;

interface OtlpMessages {
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
  readonly rpcStatus: protobuf.Type;
}

let messages: OtlpMessages | undefined;

/**
 * The encoders of the answers (and the decoders tests and probes read them with). Requests are decoded by
 * otlpProtobufDecode.ts, which bounds how deep an attribute value may nest. Built on first use: reflection types
 * compile their codecs lazily.
 */
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
