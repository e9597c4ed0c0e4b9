// "Open a trace in the viewer", host side, without VS Code: load the trace into the worker, learn which of its
// operations map to code, have the worker build the payload (and analysis), hand the bytes on. The VS Code panel
// (src/vscode/viewer/traceViewerPanel.ts) is one sink; tests and the benchmark use others.
import type { Trace } from '../model/trace';
import type { ViewerWorkerClient } from './viewerWorkerClient';
import type { FindingsForCode, LoadedTrace, OperationSample, TraceRequest } from './viewerWorkerProtocol';

/** Above this many spans a trace is shown before it is analysed (its analysis takes about as long as its payload). */
export const ANALYZE_LATER_ABOVE = 10_000;

/** Operations resolved at once before the event loop gets a turn (a trace can have thousands). */
const RESOLVE_BATCH = 64;

export interface ViewerSink {
  /** True when the code of this operation is known (the payload flags its spans "Go to source"). */
  hasSource(operation: OperationSample): Promise<boolean>;
  /** The TracePayload as UTF-8 JSON; `analyzed` says whether it carries its analysis. */
  payload(bytes: Uint8Array, analyzed: boolean, loaded: LoadedTrace): void;
  /** The AnalysisPayload as UTF-8 JSON, for a payload sent without one. */
  analysis(bytes: Uint8Array, loaded: LoadedTrace): void;
}

export interface ViewerPipelineOptions {
  readonly analyzeLaterAbove?: number;
}

export class ViewerPipeline {
  private readonly analyzeLaterAbove: number;

  constructor(
    readonly worker: ViewerWorkerClient,
    options: ViewerPipelineOptions = {},
  ) {
    this.analyzeLaterAbove = options.analyzeLaterAbove ?? ANALYZE_LATER_ABOVE;
  }

  /** Gets the trace into the worker (fetching it there when given a request). The caller releases the handle. */
  load(input: Trace | TraceRequest, signal?: AbortSignal): Promise<LoadedTrace> {
    return this.worker.load(input, signal);
  }

  /** Payload first, analysis after (large traces) or with it (small); resolves with the findings for code. */
  async show(loaded: LoadedTrace, source: string, sink: ViewerSink, signal?: AbortSignal): Promise<FindingsForCode> {
    const sourceKeys = await resolveInBatches(loaded.operations, sink);
    const analyze = loaded.spanCount <= this.analyzeLaterAbove;
    const built = await this.worker.payload(loaded.handle, { source, sourceKeys, analyze }, signal);
    sink.payload(built.bytes, built.analyzed, loaded);
    if (built.findings) return built.findings;
    const analysis = await this.worker.analysis(loaded.handle, signal);
    sink.analysis(analysis.bytes, loaded);
    return analysis.findings;
  }

  /** A trace to compare against: analysed, without "maps to code" flags. */
  async comparePayload(loaded: LoadedTrace, source: string, signal?: AbortSignal): Promise<Uint8Array> {
    return (await this.worker.payload(loaded.handle, { source, analyze: true }, signal)).bytes;
  }

  release(loaded: LoadedTrace): void {
    this.worker.release(loaded.handle);
  }
}

/**
 * Asks the sink about every operation, a batch at a time with a turn of the event loop between batches: thousands
 * of lookups answered from caches would otherwise run as one unbroken chain of microtasks.
 */
async function resolveInBatches(operations: readonly OperationSample[], sink: ViewerSink): Promise<string[]> {
  const keys: string[] = [];
  for (let at = 0; at < operations.length; at += RESOLVE_BATCH) {
    if (at > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const batch = operations.slice(at, at + RESOLVE_BATCH);
    const known = await Promise.all(batch.map((op) => sink.hasSource(op)));
    batch.forEach((op, i) => {
      if (known[i]) keys.push(op.key);
    });
  }
  return keys;
}
