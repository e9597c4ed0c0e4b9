import * as fs from 'node:fs';
import { SpanLensError } from '../core/errors';
import type { Trace } from '../core/model/trace';
import { parseTraceDocument } from '../core/model/traceDocument';

/** True when the argument names an existing file (commands take either a trace id or a trace file). */
export function isFile(target: string): boolean {
  try {
    return fs.statSync(target).isFile();
  } catch {
    return false;
  }
}

/** Every trace in a Jaeger, OTLP or Zipkin JSON file; unreadable or malformed files are SpanLensErrors. */
export function readTraceFile(file: string): Trace[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new SpanLensError('bad-input', `Cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, { file, cause: e });
  }
  return parseTraceDocument(text, file);
}
