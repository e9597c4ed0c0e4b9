// Messages between the trace viewer's host (the extension host's main thread) and its worker thread
// (src/core/export/viewerWorker.ts → dist/viewerWorker.js). The worker fetches or receives a trace, keeps it, and
// builds what the viewer shows; the main thread only passes bytes along, so a 100k-span trace never blocks it.
import type { SpanLensErrorKind } from '../errors';
import type { Span, TraceWarning } from '../model/trace';
import type { TraceAnalysis } from '../analysis/analysisTypes';
import type { JaegerSourceOptions } from '../sources/jaeger/jaegerSource';

/** What the worker needs to fetch a trace itself, so its JSON is never parsed on the main thread. */
export type TraceRequest =
  | { readonly kind: 'jaeger'; readonly traceId: string; readonly options: JaegerSourceOptions }
  | { readonly kind: 'file'; readonly traceId: string; readonly path: string };

/** One distinct service + operation of a loaded trace, with one of its spans for the host's span locator. */
export interface OperationSample {
  /** `JSON.stringify([service, name])`: the key the payload's "maps to code" flags are looked up by. */
  readonly key: string;
  /** Its first span, trimmed to what the span locator reads: no events, links or resource, only `code.*` attributes. */
  readonly span: Span;
}

/** A trace the worker holds, as the host knows it. */
export interface LoadedTrace {
  /** Names the trace in later requests to the same worker. */
  readonly handle: number;
  readonly traceId: string;
  readonly spanCount: number;
  /** The first span without a parent (else the first span): titles and pick lists. */
  readonly root: { readonly service: string; readonly name: string } | undefined;
  readonly operations: readonly OperationSample[];
  /** True when the trace has more distinct operations than `operations` lists. */
  readonly operationsTruncated: boolean;
}

/** The part of the analysis the editor puts on code (src/vscode/traceFindings.ts). */
export interface FindingsForCode {
  readonly nPlusOne: TraceAnalysis['nPlusOne'];
  readonly propagationGaps: TraceAnalysis['propagationGaps'];
}

/** A TracePayload as UTF-8 JSON: moved between threads and to the webview without being serialized again. */
export interface BuiltPayload {
  readonly bytes: Uint8Array;
  /** True when the payload carries its analysis (small traces); false: ask for `analysis` next. */
  readonly analyzed: boolean;
  /** Present when analyzed. */
  readonly findings?: FindingsForCode;
}

/** An AnalysisPayload as UTF-8 JSON, for a payload built without one. */
export interface BuiltAnalysis {
  readonly bytes: Uint8Array;
  readonly findings: FindingsForCode;
}

export interface PayloadRequestOptions {
  /** Shown in the viewer header. */
  readonly source: string;
  /** Operation keys whose code is known ("Go to source" offered); undefined: no such flags (exports, comparisons). */
  readonly sourceKeys?: readonly string[];
  /** Analyse now and include it (true), or leave it for a later `analysis` request (false). */
  readonly analyze: boolean;
}

export type ViewerWorkerRequest =
  /** Part of an in-memory trace, posted in slices before the `load` of kind `posted` with the same id. */
  | { readonly id: number; readonly op: 'spans'; readonly spans: readonly Span[] }
  /** `handle` is chosen by the host, unique for the host's lifetime: a restarted worker never reuses one. */
  | { readonly id: number; readonly op: 'load'; readonly handle: number; readonly request: TraceRequest | PostedTrace }
  | { readonly id: number; readonly op: 'payload'; readonly handle: number; readonly options: PayloadRequestOptions }
  | { readonly id: number; readonly op: 'analysis'; readonly handle: number }
  | { readonly id: number; readonly op: 'span'; readonly handle: number; readonly spanId: string }
  | {
      readonly id: number;
      readonly op: 'exportHtml';
      readonly trace: ExportedTrace;
      readonly compare?: ExportedTrace;
      /** The extension's folder: dist/webview.js and media/viewer.css are read from it. */
      readonly assetsRoot: string;
    }
  | { readonly id: number; readonly op: 'release'; readonly handle: number }
  /** Stop request `id` (a fetch is aborted; other work finishes but its answer is dropped). */
  | { readonly id: number; readonly op: 'cancel' };

/** A held trace to put in an exported page, with the source shown in its header. */
export interface ExportedTrace {
  readonly handle: number;
  readonly source: string;
}

/** A trace whose spans arrived in `spans` messages. */
export interface PostedTrace {
  readonly kind: 'posted';
  readonly traceId: string;
  readonly warnings: readonly TraceWarning[];
}

export interface WorkerErrorInfo {
  /** Set when the worker threw a SpanLensError: the host rethrows one of the same kind. */
  readonly kind?: SpanLensErrorKind;
  readonly message: string;
}

export type ViewerWorkerResponse = { readonly id: number; readonly ok: true; readonly result: unknown } | { readonly id: number; readonly ok: false; readonly error: WorkerErrorInfo };

/** The key of a span's operation, as OperationSample.key and the payload builder use it. */
export function operationKey(span: { readonly service: string; readonly name: string }): string {
  return JSON.stringify([span.service, span.name]);
}
