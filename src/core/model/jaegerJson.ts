import type { Trace } from './trace';
import { SpanLensError } from '../errors';

export interface JaegerJsonKeyValue {
  readonly key: string;
  readonly type: 'string' | 'bool' | 'int64' | 'float64' | 'binary';
  readonly value: string | number | boolean;
}
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
  readonly operationName: string;
  readonly references: readonly JaegerJsonReference[];
  readonly startTime: number;
  readonly duration: number;
  readonly tags: readonly JaegerJsonKeyValue[];
  readonly logs: readonly JaegerJsonLog[];
  readonly processID: string;
  readonly warnings: readonly string[] | null;
  readonly flags?: number;
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

/** Parses Jaeger's v1 UI JSON: a bare trace, an array of traces, or the `{data:[...]}` envelope. */
export function parseJaegerJson(json: unknown, origin: string): Trace[] {
  throw new SpanLensError('malformed-file', `${origin}: Jaeger JSON parser not ready yet (${typeof json})`);
}

export function toJaegerJsonTrace(trace: Trace): JaegerJsonTrace {
  throw new SpanLensError('bad-input', `Jaeger JSON serializer not ready yet (${trace.traceId})`);
}
