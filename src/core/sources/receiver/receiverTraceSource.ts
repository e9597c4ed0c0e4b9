import type { Trace } from '../../model/trace';
import { isHexId, normalizeTraceId } from '../../model/ids';
import { SpanLensError } from '../../errors';
import type { OperationInfo, SourceHealth, TraceQuery, TraceSource, TraceSummary } from '../traceSource';
import type { TraceStore } from './traceStore';

/** What the source reads from: an OtlpReceiver satisfies this; tests may pass a bare store. */
export interface ReceiverLike {
  readonly store: TraceStore;
  /** "127.0.0.1:4318" */
  readonly address: string;
  readonly listening: boolean;
}

/** The built-in receiver's traces as a TraceSource, answered from memory. */
export class ReceiverTraceSource implements TraceSource {
  readonly description: string;

  constructor(private readonly receiver: ReceiverLike) {
    this.description = `Built-in OTLP receiver on ${receiver.address}`;
  }

  async services(signal?: AbortSignal): Promise<string[]> {
    checkSignal(signal);
    return this.receiver.store.services();
  }

  async operations(service: string, signal?: AbortSignal): Promise<OperationInfo[]> {
    checkSignal(signal);
    return this.receiver.store.operations(service);
  }

  async search(query: TraceQuery, signal?: AbortSignal): Promise<Trace[]> {
    checkSignal(signal);
    checkQuery(query);
    return this.receiver.store.find(query);
  }

  async searchSummaries(query: TraceQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    checkSignal(signal);
    checkQuery(query);
    return this.receiver.store.findSummaries(query);
  }

  async getTrace(traceId: string, signal?: AbortSignal): Promise<Trace> {
    checkSignal(signal);
    if (!isHexId(traceId.trim())) {
      throw new SpanLensError('bad-input', `"${traceId}" is not a trace id: use 1 to 32 hexadecimal digits.`);
    }
    const id = normalizeTraceId(traceId);
    const trace = this.receiver.store.getTrace(id);
    if (!trace) {
      const { maxSpans } = this.receiver.store.stats();
      throw new SpanLensError(
        'not-found',
        `Trace ${id} is not in the built-in receiver on ${this.receiver.address}. It keeps the newest ${maxSpans.toLocaleString('en-US')} spans; check that the service exports to it and that the trace was sampled.`,
      );
    }
    return trace;
  }

  async health(signal?: AbortSignal): Promise<SourceHealth> {
    checkSignal(signal);
    const stats = this.receiver.store.stats();
    if (!this.receiver.listening) {
      return { reachable: false, detail: `Built-in OTLP receiver on ${this.receiver.address} is stopped (${stats.spans} spans kept)` };
    }
    const n = (v: number): string => v.toLocaleString('en-US');
    const extra = [
      stats.spansEvicted > 0 ? `${n(stats.spansEvicted)} evicted` : '',
      stats.spansRejected > 0 ? `${n(stats.spansRejected)} rejected` : '',
    ].filter(Boolean);
    return {
      reachable: true,
      detail: `Built-in OTLP receiver on ${this.receiver.address}: ${n(stats.spans)} spans in ${n(stats.traces)} traces${extra.length ? ` (${extra.join(', ')})` : ''}`,
    };
  }
}

function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SpanLensError('cancelled', 'The request was cancelled.');
}

function checkQuery(query: TraceQuery): void {
  if (query.minDurationUs !== undefined && query.maxDurationUs !== undefined && query.maxDurationUs < query.minDurationUs) {
    throw new SpanLensError('bad-input', 'The maximum duration is smaller than the minimum duration: swap or widen them.');
  }
  if (!(query.endUs >= query.startUs)) {
    throw new SpanLensError('bad-input', 'The search window ends before it starts: check the start and end times.');
  }
}
