// The trace viewer worker's work, without the thread: fetch or assemble a trace, keep it under a handle, build its
// payload and analysis as UTF-8 JSON, answer span look-ups, export HTML. viewerWorker.ts runs it in a worker thread;
// tests run it in-thread too, so both are checked against the in-thread builders.
import type { Span, Trace } from '../model/trace';
import { SpanLensError, isSpanLensError } from '../errors';
import { resolveOptions, type TraceAnalysis } from '../analysis/analysisTypes';
import { analyzeTree } from '../analysis/analyzeTrace';
import { buildCallContext } from '../analysis/propagation';
import { buildSpanTree, type SpanTree } from '../analysis/spanTree';
import type { TraceSource } from '../sources/traceSource';
import { openHttpTraceSource } from '../sources/openSource';
import { FileTraceSource } from '../sources/fileSource';
import type { AnalysisPayload, TracePayload } from '../../shared/viewModelPayload';
import { buildTracePayload, type PayloadAnalysisInput } from './tracePayload';
import { analysisForRows, payloadAnalysis, skewedSpanIds } from './payloadAnalysis';
import { buildHtmlExport, readViewerAssets } from './htmlExport';
import {
  operationKey,
  type BuiltAnalysis,
  type BuiltPayload,
  type ExportedTrace,
  type FindingsForCode,
  type LoadedTrace,
  type OperationSample,
  type PayloadRequestOptions,
  type PostedTrace,
  type TraceRequest,
  type ViewerWorkerRequest,
  type ViewerWorkerResponse,
  type WorkerErrorInfo,
} from './viewerWorkerProtocol';

/**
 * More distinct operations than this (high-cardinality span names) are not all offered to the span locator. A
 * generated 100k-span trace of 20 services × 300 names has ~6,000.
 */
export const MAX_OPERATION_SAMPLES = 10_000;
const MAX_CACHED_JAEGER_SOURCES = 4;

interface Entry {
  readonly trace: Trace;
  /** Kept from a payload built without analysis until the analysis that follows it. */
  pendingAnalysis?: { readonly tree: SpanTree; readonly rowIds: readonly string[] };
  spanById?: Map<string, Span>;
}

/** What a job answers: a value, and the buffers to move (not copy) to the other thread. */
export interface JobResult {
  readonly result: unknown;
  readonly transfer: ArrayBuffer[];
}

export class ViewerWorkerJobs {
  private readonly entries = new Map<number, Entry>();
  private readonly posted = new Map<number, Span[]>();
  /** Jaeger or Zipkin servers by request options (the kind 'jaeger' request covers both: see openHttpTraceSource). */
  private readonly jaegerSources = new Map<string, TraceSource>();

  /** Collects a slice of an in-memory trace sent by the host. */
  addSpans(id: number, spans: readonly Span[]): void {
    const list = this.posted.get(id);
    if (list) for (const s of spans) list.push(s);
    else this.posted.set(id, [...spans]);
  }

  /** Forgets the slices of a trace whose load was cancelled. */
  discardSpans(id: number): void {
    this.posted.delete(id);
  }

  /** Fetches (or assembles from posted slices) a trace and keeps it under `handle`. */
  async load(id: number, handle: number, request: TraceRequest | PostedTrace, signal?: AbortSignal): Promise<LoadedTrace> {
    let trace: Trace;
    if (request.kind === 'posted') {
      const spans = this.posted.get(id) ?? [];
      this.posted.delete(id);
      trace = { traceId: request.traceId, spans, warnings: request.warnings };
    } else {
      trace = await this.fetch(request, signal);
    }
    this.entries.set(handle, { trace });
    return describeLoaded(handle, trace);
  }

  /** The payload; with analysis when asked (else it is left for `analysis`, which reuses the span tree). */
  payload(handle: number, options: PayloadRequestOptions): { built: BuiltPayload; payload: TracePayload } {
    const entry = this.entry(handle);
    const trace = entry.trace;
    const tree = buildSpanTree(trace);
    const keys = options.sourceKeys ? new Set(options.sourceKeys) : undefined;
    const base = { source: options.source, tree, ...(keys ? { hasSource: (s: Span): boolean => keys.has(operationKey(s)) } : {}) };
    if (!options.analyze) {
      const payload = buildTracePayload(trace, base);
      entry.pendingAnalysis = { tree, rowIds: payload.spans.id };
      return { built: { bytes: encodeJson(payload), analyzed: false }, payload };
    }
    const analysis = analyze(tree);
    const payload = buildTracePayload(trace, { ...base, analysis: payloadAnalysis(analysis), clockSkewed: skewedSpanIds(analysis) });
    return { built: { bytes: encodeJson(payload), analyzed: true, findings: findingsOf(analysis) }, payload };
  }

  /** The analysis for a payload built without one; rows are matched by span id, as the viewer's payload has them. */
  analysis(handle: number): { built: BuiltAnalysis; analysis: AnalysisPayload } {
    const entry = this.entry(handle);
    const pending = entry.pendingAnalysis;
    if (!pending) throw new Error(`trace ${entry.trace.traceId}: analysis asked for before its payload`);
    entry.pendingAnalysis = undefined;
    const analysis = analyze(pending.tree);
    const payloadAnalysisInput = payloadAnalysis(analysis);
    const result = analysisForRows(entry.trace, pending.rowIds, payloadAnalysisInput);
    return { built: { bytes: encodeJson(result), findings: findingsOf(analysis) }, analysis: result };
  }

  span(handle: number, spanId: string): Span | undefined {
    const entry = this.entry(handle);
    if (!entry.spanById) {
      entry.spanById = new Map();
      for (const s of entry.trace.spans) if (!entry.spanById.has(s.spanId)) entry.spanById.set(s.spanId, s);
    }
    return entry.spanById.get(spanId);
  }

  /** The self-contained HTML page of a trace (and its comparison), without "maps to code" flags. */
  exportHtml(trace: ExportedTrace, compare: ExportedTrace | undefined, assetsRoot: string): Uint8Array {
    const page = (t: ExportedTrace): TracePayload => {
      const tree = buildSpanTree(this.entry(t.handle).trace);
      const analysis = analyze(tree);
      return buildTracePayload(tree.trace, { source: t.source, tree, analysis: payloadAnalysis(analysis), clockSkewed: skewedSpanIds(analysis) });
    };
    const assets = readViewerAssets(assetsRoot);
    const html = buildHtmlExport({ trace: page(trace), ...(compare ? { compare: page(compare) } : {}), assets });
    return new TextEncoder().encode(html);
  }

  release(handle: number): void {
    this.entries.delete(handle);
  }

  /** How many traces are held (tests check that released and cancelled ones are not). */
  get size(): number {
    return this.entries.size;
  }

  private entry(handle: number): Entry {
    const entry = this.entries.get(handle);
    if (!entry) throw new SpanLensError('not-found', 'This trace is no longer loaded in the trace viewer. Open it again.');
    return entry;
  }

  private async fetch(request: TraceRequest, signal: AbortSignal | undefined): Promise<Trace> {
    if (request.kind === 'file') return new FileTraceSource({ paths: [request.path] }).getTrace(request.traceId, signal);
    const key = JSON.stringify(request.options);
    let source = this.jaegerSources.get(key);
    if (!source) {
      source = openHttpTraceSource(request.options);
      this.jaegerSources.set(key, source);
      // Keep the few most recent: a source remembers which endpoints its server has.
      const oldest = this.jaegerSources.keys().next().value;
      if (this.jaegerSources.size > MAX_CACHED_JAEGER_SOURCES && oldest !== undefined) this.jaegerSources.delete(oldest);
    }
    return source.getTrace(request.traceId, signal);
  }
}

/**
 * Runs requests against a ViewerWorkerJobs the way the worker thread does: answers carry their buffers to transfer,
 * `cancel` aborts a pending fetch, and an answer to a cancelled request is dropped.
 */
export class ViewerWorkerDispatcher {
  private readonly controllers = new Map<number, AbortController>();

  constructor(readonly jobs: ViewerWorkerJobs = new ViewerWorkerJobs()) {}

  /** Undefined for messages that get no answer (`spans`, `release`, `cancel`) and for cancelled requests. */
  async handle(request: ViewerWorkerRequest): Promise<{ response: ViewerWorkerResponse; transfer: ArrayBuffer[] } | undefined> {
    switch (request.op) {
      case 'spans':
        this.jobs.addSpans(request.id, request.spans);
        return undefined;
      case 'release':
        this.jobs.release(request.handle);
        return undefined;
      case 'cancel':
        this.controllers.get(request.id)?.abort();
        this.jobs.discardSpans(request.id);
        return undefined;
    }
    const controller = new AbortController();
    this.controllers.set(request.id, controller);
    try {
      const { result, transfer } = await this.run(request, controller.signal);
      if (controller.signal.aborted) {
        // The host gave up on this: free what it will never release.
        if (request.op === 'load') this.jobs.release((result as LoadedTrace).handle);
        return undefined;
      }
      return { response: { id: request.id, ok: true, result }, transfer };
    } catch (e) {
      if (controller.signal.aborted) return undefined;
      return { response: { id: request.id, ok: false, error: errorInfo(e) }, transfer: [] };
    } finally {
      this.controllers.delete(request.id);
    }
  }

  private async run(request: Exclude<ViewerWorkerRequest, { op: 'spans' | 'release' | 'cancel' }>, signal: AbortSignal): Promise<JobResult> {
    switch (request.op) {
      case 'load':
        return { result: await this.jobs.load(request.id, request.handle, request.request, signal), transfer: [] };
      case 'payload': {
        const { built } = this.jobs.payload(request.handle, request.options);
        return { result: built, transfer: [built.bytes.buffer as ArrayBuffer] };
      }
      case 'analysis': {
        const { built } = this.jobs.analysis(request.handle);
        return { result: built, transfer: [built.bytes.buffer as ArrayBuffer] };
      }
      case 'span':
        return { result: this.jobs.span(request.handle, request.spanId), transfer: [] };
      case 'exportHtml': {
        const bytes = this.jobs.exportHtml(request.trace, request.compare, request.assetsRoot);
        return { result: bytes, transfer: [bytes.buffer as ArrayBuffer] };
      }
    }
  }
}

function analyze(tree: SpanTree): TraceAnalysis {
  const resolved = resolveOptions(undefined);
  return analyzeTree(tree, resolved, buildCallContext([tree], resolved.knownServices));
}

function findingsOf(analysis: TraceAnalysis): FindingsForCode {
  return { nPlusOne: analysis.nPlusOne, propagationGaps: analysis.propagationGaps };
}


function describeLoaded(handle: number, trace: Trace): LoadedTrace {
  const operations: OperationSample[] = [];
  const seen = new Set<string>();
  let truncated = false;
  let root: Span | undefined;
  for (const s of trace.spans) {
    if (!root && s.parentSpanId === undefined) root = s;
    const key = operationKey(s);
    if (seen.has(key)) continue;
    if (operations.length >= MAX_OPERATION_SAMPLES) {
      truncated = true;
      continue;
    }
    seen.add(key);
    operations.push({ key, span: locatorSpan(s) });
  }
  root ??= trace.spans[0];
  return {
    handle,
    traceId: trace.traceId,
    spanCount: trace.spans.length,
    root: root ? { service: root.service, name: root.name } : undefined,
    operations,
    operationsTruncated: truncated,
  };
}

/** What the span locator reads of a span: its identity, service, name and `code.*` attributes (small to post back). */
function locatorSpan(s: Span): Span {
  return { ...s, resource: [], attributes: s.attributes.filter((a) => a.key.startsWith('code.')), events: [], links: [], warnings: [] };
}

export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

function errorInfo(e: unknown): WorkerErrorInfo {
  if (isSpanLensError(e)) return { kind: e.kind, message: e.message };
  return { message: e instanceof Error ? e.message : String(e) };
}
