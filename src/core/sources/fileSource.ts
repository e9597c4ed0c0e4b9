import type { Trace } from '../model/trace';
import type { OperationInfo, SourceHealth, TraceQuery, TraceSource, TraceSummary } from './traceSource';
import { SpanLensError } from '../errors';

export interface FileTraceSourceOptions {
  /** One or more trace files (Jaeger JSON, OTLP JSON / JSON lines, Zipkin JSON). */
  readonly paths: readonly string[];
}

/** A TraceSource over trace files on disk. Not ready yet: the full implementation follows. */
export class FileTraceSource implements TraceSource {
  readonly description: string;
  constructor(readonly options: FileTraceSourceOptions) {
    this.description = `Trace file ${options.paths.join(', ')}`;
  }
  async services(): Promise<string[]> {
    throw new SpanLensError('bad-input', 'not ready');
  }
  async operations(): Promise<OperationInfo[]> {
    throw new SpanLensError('bad-input', 'not ready');
  }
  async search(query: TraceQuery): Promise<Trace[]> {
    throw new SpanLensError('bad-input', `not ready ${query.service}`);
  }
  async searchSummaries(query: TraceQuery): Promise<TraceSummary[]> {
    throw new SpanLensError('bad-input', `not ready ${query.service}`);
  }
  async getTrace(traceId: string): Promise<Trace> {
    throw new SpanLensError('bad-input', `not ready ${traceId}`);
  }
  async health(): Promise<SourceHealth> {
    return { reachable: false, detail: 'not ready' };
  }
}
