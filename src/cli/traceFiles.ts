import * as fs from 'node:fs';
import type { Trace } from '../core/model/trace';
import { parseTraceDocument } from '../core/model/traceDocument';
import { readTraceFileTextSync } from '../core/sources/traceFileRead';

/** True when the argument names an existing file (commands take either a trace id or a trace file). */
export function isFile(target: string): boolean {
  try {
    return fs.statSync(target).isFile();
  } catch {
    return false;
  }
}

/**
 * Every trace in a Jaeger, OTLP or Zipkin JSON file; unreadable, too large (checked before reading: see
 * MAX_TRACE_FILE_BYTES) or malformed files are SpanLensErrors.
 */
export function readTraceFile(file: string): Trace[] {
  return parseTraceDocument(readTraceFileTextSync(file), file);
}
