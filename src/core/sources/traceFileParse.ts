import * as fs from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import type { Trace } from '../model/trace';
import { SpanLensError } from '../errors';
import { StreamedJsonError, StreamedJsonParser } from '../model/streamedJson';
import { parseTraceDocument, parseTraceDocumentValues } from '../model/traceDocument';
import { escapeControlChars } from '../text/quoteForDisplay';
import { MAX_TRACE_TEXT_BYTES, formatBytes, fsError, readTraceFileText, readTraceFileTextSync, traceFileTooLarge } from './traceFileRead';

/**
 * Files up to this size are read as text and parsed whole, which gives line and column in syntax errors; bigger
 * ones are parsed as a stream (model/streamedJson), so the text is never held beside the parsed spans.
 */
export const STREAMED_PARSE_MIN_BYTES = 32 * 1024 * 1024;

/**
 * The largest trace file Span Lens reads: 1 GiB (a few million spans). Streamed parsing has no string-length
 * limit; what limits is memory, checked separately against the heap (see checkHeapFor).
 */
export const MAX_TRACE_FILE_BYTES = 1024 * 1024 * 1024;

/**
 * Bytes of JavaScript heap a parsed and assembled trace takes per byte of compact JSON, measured on generated
 * Jaeger exports (300k spans: 0.19 GB file, 0.9 GB heap at the peak). Rounded up: better to refuse early with a
 * message than to be killed by the out-of-memory handler, losing nothing but time.
 */
const HEAP_PER_FILE_BYTE = 5;

const CHUNK_BYTES = 4 * 1024 * 1024;

export interface TraceFileParseOptions {
  /** Files larger than this are refused before they are read (default MAX_TRACE_FILE_BYTES). */
  readonly maxBytes?: number;
  /** Called after each chunk of a streamed parse with the bytes read so far and the file's size. */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
  readonly signal?: AbortSignal;
  /** Files over this many bytes are streamed (default STREAMED_PARSE_MIN_BYTES; tests lower it). */
  readonly streamAbove?: number;
}

/** Every trace in a Jaeger, OTLP or Zipkin JSON file (or JSON lines of them), read in the way its size calls for. */
export function parseTraceFileSync(file: string, options: TraceFileParseOptions = {}): Trace[] {
  const maxBytes = options.maxBytes ?? MAX_TRACE_FILE_BYTES;
  const streamAbove = options.streamAbove ?? STREAMED_PARSE_MIN_BYTES;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw fsError(file, e);
  }
  let size: number;
  try {
    size = sizeOf(file, fs.fstatSync(fd), maxBytes, streamAbove);
  } catch (e) {
    fs.closeSync(fd);
    throw fsError(file, e);
  }
  if (size <= streamAbove) {
    fs.closeSync(fd);
    return parseTraceDocument(readTraceFileTextSync(file, Math.min(maxBytes, MAX_TRACE_TEXT_BYTES)), file);
  }
  const parser = new StreamedJsonParser();
  try {
    let total = 0;
    for (;;) {
      if (options.signal?.aborted) throw new SpanLensError('cancelled', 'Reading the trace file was cancelled.', { file });
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const n = fs.readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw traceFileTooLarge(file, total, maxBytes);
      parser.write(n === CHUNK_BYTES ? buffer : buffer.subarray(0, n));
      options.onProgress?.(total, size);
    }
  } catch (e) {
    throw streamError(file, e);
  } finally {
    fs.closeSync(fd);
  }
  return parseTraceDocumentValues(endStream(file, parser), file);
}

/** The same without blocking: reads and scans a chunk at a time, yielding between chunks. */
export async function parseTraceFile(file: string, options: TraceFileParseOptions = {}): Promise<Trace[]> {
  const maxBytes = options.maxBytes ?? MAX_TRACE_FILE_BYTES;
  const streamAbove = options.streamAbove ?? STREAMED_PARSE_MIN_BYTES;
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (e) {
    throw fsError(file, e);
  }
  let size: number;
  try {
    size = sizeOf(file, await handle.stat(), maxBytes, streamAbove);
  } catch (e) {
    await handle.close();
    throw fsError(file, e);
  }
  if (size <= streamAbove) {
    await handle.close();
    return parseTraceDocument(await readTraceFileText(file, Math.min(maxBytes, MAX_TRACE_TEXT_BYTES)), file);
  }
  const parser = new StreamedJsonParser();
  try {
    let total = 0;
    for (;;) {
      if (options.signal?.aborted) throw new SpanLensError('cancelled', 'Reading the trace file was cancelled.', { file });
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw traceFileTooLarge(file, total, maxBytes);
      parser.write(bytesRead === CHUNK_BYTES ? buffer : buffer.subarray(0, bytesRead));
      options.onProgress?.(total, size);
    }
  } catch (e) {
    throw streamError(file, e);
  } finally {
    await handle.close();
  }
  return parseTraceDocumentValues(endStream(file, parser), file);
}

function sizeOf(file: string, info: fs.Stats, maxBytes: number, streamAbove: number): number {
  if (info.isDirectory()) throw fsError(file, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
  if (info.size > maxBytes) throw traceFileTooLarge(file, info.size, maxBytes);
  if (info.size > streamAbove) checkHeapFor(file, info.size);
  return info.size;
}

/**
 * Refuses a file whose parsed spans would not fit in the JavaScript heap, naming the heap limit and how to raise
 * it, instead of letting V8's out-of-memory handler kill the process (the extension host with it).
 */
export function checkHeapFor(file: string, size: number, heap = getHeapStatistics()): void {
  const needed = size * HEAP_PER_FILE_BYTE;
  const available = heap.heap_size_limit - heap.used_heap_size;
  if (needed <= available) return;
  const suggestMiB = Math.ceil((needed + heap.used_heap_size) / 1048576 / 1024) * 1024;
  throw new SpanLensError(
    'too-large',
    `${escapeControlChars(file)} is ${formatBytes(size)}; its spans need about ${formatBytes(needed)} of memory, and this process can use ${formatBytes(available)} more ` +
      `(heap limit ${formatBytes(heap.heap_size_limit)}). Run the CLI with NODE_OPTIONS=--max-old-space-size=${suggestMiB}, or split the file.`,
    { file },
  );
}

function endStream(file: string, parser: StreamedJsonParser): unknown[] {
  try {
    return parser.end();
  } catch (e) {
    throw streamError(file, e);
  }
}

function streamError(file: string, e: unknown): SpanLensError {
  if (e instanceof SpanLensError) return e;
  if (e instanceof StreamedJsonError) {
    const shown = escapeControlChars(file);
    if (e.truncated) return new SpanLensError('malformed-file', `${shown}: not valid JSON: the JSON ends too early (the file looks truncated).`, { file });
    const where = e.byteOffset >= 0 ? ` near byte ${e.byteOffset.toLocaleString('en-US')}` : '';
    return new SpanLensError('malformed-file', `${shown}: not valid JSON${where}: ${escapeControlChars(e.message).slice(0, 300)}.`, { file });
  }
  if (e instanceof RangeError) {
    return new SpanLensError('malformed-file', `${escapeControlChars(file)}: could not be parsed: ${escapeControlChars(e.message)}.`, { file });
  }
  return fsError(file, e);
}
