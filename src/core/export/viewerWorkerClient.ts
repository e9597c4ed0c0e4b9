// The host's side of the trace viewer worker (src/core/export/viewerWorker.ts). The worker starts on first use; a
// crashed one is replaced on the next request (the traces it held are gone: their requests fail with "open it
// again"). A trace already in memory on the host is posted in slices, each a few milliseconds of structured clone,
// with the event loop served between them.
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { Span, Trace } from '../model/trace';
import { SpanLensError } from '../errors';
import type {
  BuiltAnalysis,
  BuiltPayload,
  ExportedTrace,
  LoadedTrace,
  PayloadRequestOptions,
  TraceRequest,
  ViewerWorkerRequest,
  ViewerWorkerResponse,
} from './viewerWorkerProtocol';

export interface ViewerWorkerClientOptions {
  /** The bundled worker, dist/viewerWorker.js. */
  readonly workerPath: string;
  /** Main-thread time one slice of an in-memory trace may take to post (default 8 ms). */
  readonly sliceBudgetMs?: number;
  readonly log?: { info(message: string): void; error(message: string): void };
}

interface Pending {
  readonly worker: Worker;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const FIRST_SLICE_SPANS = 250;
const MIN_SLICE_SPANS = 50;
const MAX_SLICE_SPANS = 20_000;

export class ViewerWorkerClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private nextHandle = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly sliceBudgetMs: number;
  private disposed = false;

  constructor(private readonly options: ViewerWorkerClientOptions) {
    this.sliceBudgetMs = options.sliceBudgetMs ?? 8;
  }

  /** Gets a trace into the worker: fetched there (a request), or posted in slices (a trace in memory). */
  async load(input: Trace | TraceRequest, signal?: AbortSignal): Promise<LoadedTrace> {
    const handle = this.nextHandle++;
    if (!('spans' in input)) return this.call<LoadedTrace>((id) => ({ id, op: 'load', handle, request: input }), signal);
    const id = this.nextId++;
    await this.postSpans(id, input.spans, signal);
    return this.call<LoadedTrace>(() => ({ id, op: 'load', handle, request: { kind: 'posted', traceId: input.traceId, warnings: input.warnings } }), signal, id);
  }

  payload(handle: number, options: PayloadRequestOptions, signal?: AbortSignal): Promise<BuiltPayload> {
    return this.call((id) => ({ id, op: 'payload', handle, options }), signal);
  }

  analysis(handle: number, signal?: AbortSignal): Promise<BuiltAnalysis> {
    return this.call((id) => ({ id, op: 'analysis', handle }), signal);
  }

  span(handle: number, spanId: string, signal?: AbortSignal): Promise<Span | undefined> {
    return this.call((id) => ({ id, op: 'span', handle, spanId }), signal);
  }

  /** The trace (and its comparison) as one HTML page, UTF-8. */
  exportHtml(trace: ExportedTrace, compare: ExportedTrace | undefined, assetsRoot: string, signal?: AbortSignal): Promise<Uint8Array> {
    return this.call((id) => ({ id, op: 'exportHtml', trace, ...(compare ? { compare } : {}), assetsRoot }), signal);
  }

  /** The worker forgets the trace (its panel closed). */
  release(handle: number): void {
    if (this.worker) this.worker.postMessage({ id: this.nextId++, op: 'release', handle } satisfies ViewerWorkerRequest);
  }

  dispose(): void {
    this.disposed = true;
    const w = this.worker;
    this.worker = undefined;
    this.failPending(new SpanLensError('cancelled', 'The trace viewer was closed.'));
    void w?.terminate();
  }

  /**
   * Posts spans in slices sized so each postMessage (a synchronous structured clone) stays near the budget, and
   * lets the event loop run between slices.
   */
  private async postSpans(id: number, spans: readonly Span[], signal: AbortSignal | undefined): Promise<void> {
    let size = FIRST_SLICE_SPANS;
    const worker = this.ensureWorker();
    for (let at = 0; at < spans.length; ) {
      this.checkPosting(id, worker, signal);
      const end = Math.min(spans.length, at + size);
      const started = performance.now();
      worker.postMessage({ id, op: 'spans', spans: spans.slice(at, end) } satisfies ViewerWorkerRequest);
      const took = performance.now() - started;
      // Scale the next slice towards the budget, at most doubling so one fast slice cannot overshoot by far.
      const scaled = took > 0 ? Math.floor(((end - at) * this.sliceBudgetMs) / took) : size * 2;
      size = Math.max(MIN_SLICE_SPANS, Math.min(MAX_SLICE_SPANS, size * 2, scaled));
      at = end;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.checkPosting(id, worker, signal);
  }

  /** A cancelled load makes the worker drop the slices it got; a worker that stopped meanwhile lost them. */
  private checkPosting(id: number, worker: Worker, signal: AbortSignal | undefined): void {
    if (this.worker !== worker) throw new Error("The trace viewer's worker stopped while the trace was being sent to it. Open the trace again.");
    if (signal?.aborted) {
      worker.postMessage({ id, op: 'cancel' } satisfies ViewerWorkerRequest);
      throw cancelled();
    }
  }

  private call<T>(make: (id: number) => ViewerWorkerRequest, signal: AbortSignal | undefined, id = this.nextId++): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(cancelled());
        return;
      }
      const worker = this.ensureWorker();
      const onAbort = (): void => {
        if (!this.pending.delete(id)) return;
        worker.postMessage({ id, op: 'cancel' } satisfies ViewerWorkerRequest);
        this.settled();
        reject(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        worker,
        resolve: (v) => {
          done();
          resolve(v as T);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      // A worker with requests in flight keeps the process alive; an idle one does not (see settled()).
      worker.ref();
      worker.postMessage(make(id));
    });
  }

  private settled(): void {
    if (this.pending.size === 0) this.worker?.unref();
  }

  private ensureWorker(): Worker {
    if (this.disposed) throw new SpanLensError('cancelled', 'The trace viewer was closed.');
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.workerPath);
    this.options.log?.info('Trace viewer worker started');
    worker.on('message', (msg: ViewerWorkerResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      this.settled();
      if (msg.ok) p.resolve(msg.result);
      else p.reject(msg.error.kind ? new SpanLensError(msg.error.kind, msg.error.message) : new Error(msg.error.message));
    });
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      this.options.log?.error(`Trace viewer worker stopped: ${error.message}`);
      this.failPending(new Error(`The trace viewer's worker stopped (${error.message}). Open the trace again.`), worker);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0 && !this.disposed) fail(new Error(`exit code ${code}`));
      else if (this.worker === worker) this.worker = undefined;
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failPending(error: Error, worker?: Worker): void {
    for (const [id, p] of this.pending) {
      if (worker && p.worker !== worker) continue;
      this.pending.delete(id);
      p.reject(error);
    }
  }
}

function cancelled(): SpanLensError {
  return new SpanLensError('cancelled', 'Opening the trace was cancelled.');
}

