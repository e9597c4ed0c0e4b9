import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { Span, Trace } from '../model/trace';
import { SpanKind } from '../model/trace';
import type { OperationInfo, SourceHealth, TraceQuery, TraceSource, TraceSummary } from './traceSource';
import { SpanLensError } from '../errors';
import { isHexId, normalizeTraceId } from '../model/ids';
import { parseTraceDocument } from '../model/traceDocument';
import { assembleTrace } from '../model/assemble';
import { summarizeTrace } from '../model/summary';
import { attributeText } from '../model/attributeValues';
import { MAX_TRACE_FILE_BYTES, checkTraceFileSize, describeFsError, formatBytes, fsError, readTraceFileText } from './traceFileRead';
import { escapeControlChars } from '../text/quoteForDisplay';

export interface FileTraceSourceOptions {
  /** One or more trace files (Jaeger JSON, OTLP JSON or JSON lines, Zipkin v2 JSON); the format is detected. */
  readonly paths: readonly string[];
  /**
   * Apply a query's startUs/endUs. Off by default: a file holds whatever was recorded, often long ago, and the
   * usual "last hour" window would hide all of it.
   */
  readonly applyTimeWindow?: boolean;
  /** Files larger than this are refused before they are read (default MAX_TRACE_FILE_BYTES, 256 MiB). */
  readonly maxBytes?: number;
}

const KIND_NAME: Readonly<Record<SpanKind, string>> = {
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
  [SpanKind.INTERNAL]: 'internal',
};

interface LoadedFile {
  readonly mtimeMs: number;
  readonly size: number;
  readonly traces: readonly Trace[];
}

/**
 * A TraceSource over trace files on disk. Files are read on first use and read again when their size or
 * modification time changes. Search follows Jaeger's rules (a trace matches when one of its spans has the service,
 * the operation, every tag and a duration within the bounds) but ignores the time window unless
 * `applyTimeWindow` is set. The same trace id in several files is one trace.
 */
export class FileTraceSource implements TraceSource {
  readonly description: string;
  private readonly paths: readonly string[];
  private readonly maxBytes: number;
  private readonly applyTimeWindow: boolean;
  private readonly files = new Map<string, LoadedFile>();
  private readonly pending = new Map<string, Promise<LoadedFile>>();

  constructor(options: FileTraceSourceOptions) {
    if (options.paths.length === 0) throw new SpanLensError('bad-input', 'No trace file given: name at least one Jaeger, OTLP or Zipkin JSON file.');
    this.paths = [...options.paths];
    this.maxBytes = options.maxBytes ?? MAX_TRACE_FILE_BYTES;
    this.applyTimeWindow = options.applyTimeWindow ?? false;
    this.description = escapeControlChars(this.paths.length === 1 ? `Trace file ${this.paths[0]}` : `Trace files ${this.paths.join(', ')}`);
  }

  async services(signal?: AbortSignal): Promise<string[]> {
    const services = new Set<string>();
    for (const t of await this.traces(signal)) for (const s of t.spans) services.add(s.service);
    return [...services].sort();
  }

  async operations(service: string, signal?: AbortSignal): Promise<OperationInfo[]> {
    const seen = new Map<string, OperationInfo>();
    for (const t of await this.traces(signal)) {
      for (const s of t.spans) {
        if (s.service !== service) continue;
        const spanKind = s.kind === undefined ? '' : KIND_NAME[s.kind];
        const key = `${s.name}\u0000${spanKind}`;
        if (!seen.has(key)) seen.set(key, { name: s.name, spanKind });
      }
    }
    return [...seen.values()].sort((a, b) => (a.name === b.name ? compareText(a.spanKind, b.spanKind) : compareText(a.name, b.name)));
  }

  async search(query: TraceQuery, signal?: AbortSignal): Promise<Trace[]> {
    const traces = await this.traces(signal);
    const matches = traces.filter((t) => this.traceMatches(t, query));
    const startOf = (t: Trace): number => t.spans[0]?.startTimeUs ?? 0;
    // Newest first, as Jaeger lists search results.
    matches.sort((a, b) => startOf(b) - startOf(a));
    return query.limit > 0 ? matches.slice(0, query.limit) : matches;
  }

  async searchSummaries(query: TraceQuery, signal?: AbortSignal): Promise<TraceSummary[]> {
    return (await this.search(query, signal)).map(summarizeTrace);
  }

  async getTrace(traceId: string, signal?: AbortSignal): Promise<Trace> {
    const id = traceId.trim();
    if (!isHexId(id)) throw new SpanLensError('bad-input', `"${traceId}" is not a trace id: expected up to 32 hex digits.`);
    const wanted = normalizeTraceId(id);
    const found = (await this.traces(signal)).find((t) => t.traceId === wanted);
    if (!found) throw new SpanLensError('not-found', `Trace ${wanted} is not in ${this.whereText()}.`, { file: this.paths[0] });
    return found;
  }

  async health(signal?: AbortSignal): Promise<SourceHealth> {
    const problems: string[] = [];
    let bytes = 0;
    for (const path of this.paths) {
      throwIfAborted(signal);
      try {
        const info = await stat(path);
        if (!info.isFile()) problems.push(`${path} is not a file`);
        else bytes += info.size;
      } catch (e) {
        problems.push(describeFsError(path, e));
      }
    }
    if (problems.length > 0) return { reachable: false, detail: problems.join('; ') };
    const loaded = this.paths.every((p) => this.files.has(p)) ? `, ${(await this.traces(signal)).length} trace(s)` : '';
    return { reachable: true, detail: `reading ${this.whereText()} (${formatBytes(bytes)}${loaded})` };
  }

  private whereText(): string {
    return escapeControlChars(this.paths.length === 1 ? `trace file ${this.paths[0]}` : `trace files ${this.paths.join(', ')}`);
  }

  private traceMatches(trace: Trace, q: TraceQuery): boolean {
    if (this.applyTimeWindow) {
      const start = trace.spans[0]?.startTimeUs;
      if (start === undefined || start < q.startUs || start > q.endUs) return false;
    }
    const tags = q.tags ? Object.entries(q.tags) : [];
    return trace.spans.some(
      (s) =>
        s.service === q.service &&
        (q.operation === undefined || q.operation === '' || s.name === q.operation) &&
        (q.minDurationUs === undefined || s.durationUs >= q.minDurationUs) &&
        (q.maxDurationUs === undefined || s.durationUs <= q.maxDurationUs) &&
        tags.every(([key, value]) => spanHasTag(s, key, value)),
    );
  }

  /** All traces of all files, merged by trace id. */
  private async traces(signal?: AbortSignal): Promise<Trace[]> {
    const loaded = await Promise.all(this.paths.map((p) => this.load(p, signal)));
    if (loaded.length === 1) return [...loaded[0]!.traces];
    const byId = new Map<string, Trace[]>();
    for (const file of loaded) for (const t of file.traces) byId.set(t.traceId, [...(byId.get(t.traceId) ?? []), t]);
    return [...byId].map(([id, group]) =>
      group.length === 1
        ? group[0]!
        : assembleTrace(
            id,
            group.flatMap((t) => t.spans),
            group.flatMap((t) => t.warnings.filter((w) => w.kind === 'source')),
          ),
    );
  }

  private async load(path: string, signal?: AbortSignal): Promise<LoadedFile> {
    throwIfAborted(signal);
    let info: Stats;
    try {
      info = await stat(path);
    } catch (e) {
      throw fsError(path, e);
    }
    if (!info.isFile()) throw new SpanLensError('bad-input', `${path} is not a file. Choose a trace file (Jaeger, OTLP or Zipkin JSON).`, { file: path });
    const cached = this.files.get(path);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached;
    checkTraceFileSize(path, info.size, this.maxBytes);
    const key = `${path}\u0000${info.mtimeMs}\u0000${info.size}`;
    let promise = this.pending.get(key);
    if (!promise) {
      const { mtimeMs, size } = info;
      promise = (async (): Promise<LoadedFile> => {
        const text = await readTraceFileText(path, this.maxBytes);
        const file = { mtimeMs, size, traces: parseTraceDocument(text, path) };
        this.files.set(path, file);
        return file;
      })();
      this.pending.set(key, promise);
      // The shared promise is for callers arriving while it runs; later calls use the cache (or retry after a failure).
      const forget = (): void => void this.pending.delete(key);
      promise.then(forget, forget);
    }
    // The read is shared between callers, so one caller's cancellation only ends its own wait.
    return untilAborted(promise, signal);
  }
}

/** Tag filter on one span, as Jaeger matches it: span, process (resource) and log attributes, plus the tags Jaeger derives from span fields. */
function spanHasTag(span: Span, key: string, value: string): boolean {
  switch (key) {
    case 'error':
      if (span.error === (value === 'true')) return true;
      break;
    case 'span.kind':
      if (span.kind !== undefined && KIND_NAME[span.kind] === value) return true;
      break;
    case 'otel.status_code':
      if (['UNSET', 'OK', 'ERROR'][span.status.code] === value.toUpperCase()) return true;
      break;
    case 'otel.status_description':
      if (span.status.message === value) return true;
      break;
    case 'otel.scope.name':
      if (span.scope?.name === value) return true;
      break;
    case 'service.name':
      if (span.service === value) return true;
      break;
  }
  if (span.attributes.some((a) => a.key === key && attributeText(a) === value)) return true;
  if (span.resource.some((a) => a.key === key && attributeText(a) === value)) return true;
  return span.events.some((e) => e.attributes.some((a) => a.key === key && attributeText(a) === value));
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  throwIfAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new SpanLensError('cancelled', 'Reading the trace file was cancelled.'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SpanLensError('cancelled', 'Reading the trace file was cancelled.');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
