import * as fs from 'node:fs';
import { SpanLensError } from '../errors';
import { escapeControlChars } from '../text/quoteForDisplay';

/**
 * The largest trace file Span Lens reads: 256 MiB, like the Jaeger response cap. Parsing takes about five times the
 * file's size in memory (1M spans of a compact Jaeger export: a 180 MB file, ~1.6 GB peak), so this stays within the
 * default V8 heap of a machine with 8 GB, and far below the longest string V8 can make (2^29 − 24 characters, just
 * under 512 MiB: the old 512 MiB limit let files through that could only fail with "Invalid string length").
 * Roughly 300k spans with a typical set of attributes, or 1M bare ones.
 */
export const MAX_TRACE_FILE_BYTES = 256 * 1024 * 1024;

/** 512 B, 1.5 KiB, 12 MiB, 1.2 GiB (one decimal, dropped when it is 0). */
export function formatBytes(n: number): string {
  const one = (x: number): string => String(Number(x.toFixed(1)));
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${one(n / 1024)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${one(n / (1024 * 1024))} MiB`;
  return `${one(n / (1024 * 1024 * 1024))} GiB`;
}

/** The error for a file over the limit, naming both sizes. */
export function traceFileTooLarge(file: string, size: number, maxBytes: number = MAX_TRACE_FILE_BYTES): SpanLensError {
  return new SpanLensError(
    'too-large',
    `${escapeControlChars(file)} is ${formatBytes(size)}; Span Lens reads trace files up to ${formatBytes(maxBytes)}. ` +
      'Split it, or export fewer traces per file.',
    { file },
  );
}

/** Throws traceFileTooLarge when `size` (from a stat, before any read) is over the limit. */
export function checkTraceFileSize(file: string, size: number, maxBytes: number = MAX_TRACE_FILE_BYTES): void {
  if (size > maxBytes) throw traceFileTooLarge(file, size, maxBytes);
}

/** What went wrong opening or reading a trace file, as a sentence. */
export function describeFsError(path: string, e: unknown): string {
  const shown = escapeControlChars(path);
  const code = (e as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `Trace file ${shown} does not exist. Check the path (setting spanlens.source or the command line).`;
    case 'EACCES':
    case 'EPERM':
      return `Trace file ${shown} can not be read: permission denied.`;
    case 'EISDIR':
      return `${shown} is a folder, not a trace file.`;
    default:
      return `Trace file ${shown} can not be read: ${e instanceof Error ? e.message : String(e)}.`;
  }
}

export function fsError(path: string, e: unknown): SpanLensError {
  if (e instanceof SpanLensError) return e;
  if (e instanceof Error && e.name === 'AbortError') return new SpanLensError('cancelled', 'Reading the trace file was cancelled.', { file: path });
  const code = (e as { code?: unknown } | undefined)?.code;
  return new SpanLensError(code === 'ENOENT' ? 'not-found' : 'bad-input', describeFsError(path, e), { file: path, cause: e });
}

const READ_CHUNK = 1024 * 1024;

/**
 * A trace file's text, read through one file descriptor: its size is checked with fstat before a byte is read, and
 * reading stops past the limit should the file grow meanwhile (an exporter appending JSON lines).
 */
export function readTraceFileTextSync(file: string, maxBytes: number = MAX_TRACE_FILE_BYTES): string {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw fsError(file, e);
  }
  try {
    const info = fs.fstatSync(fd);
    if (info.isDirectory()) throw fsError(file, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
    checkTraceFileSize(file, info.size, maxBytes);
    return readAll(file, info.size, maxBytes, (buffer, offset, length) => fs.readSync(fd, buffer, offset, length, null));
  } catch (e) {
    throw fsError(file, e);
  } finally {
    fs.closeSync(fd);
  }
}

/** The same, asynchronous (the extension host and the file source must not block). */
export async function readTraceFileText(file: string, maxBytes: number = MAX_TRACE_FILE_BYTES): Promise<string> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (e) {
    throw fsError(file, e);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw fsError(file, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
    checkTraceFileSize(file, info.size, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(Math.max(info.size - total, READ_CHUNK), maxBytes + 1 - total);
      const buffer = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buffer, 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === want ? buffer : buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw traceFileTooLarge(file, total, maxBytes);
    }
    return (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total)).toString('utf8');
  } catch (e) {
    throw fsError(file, e);
  } finally {
    await handle.close();
  }
}

function readAll(file: string, size: number, maxBytes: number, read: (buffer: Buffer, offset: number, length: number) => number): string {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const want = Math.min(Math.max(size - total, READ_CHUNK), maxBytes + 1 - total);
    const buffer = Buffer.allocUnsafe(want);
    let filled = 0;
    while (filled < want) {
      const n = read(buffer, filled, want - filled);
      if (n === 0) break;
      filled += n;
    }
    if (filled === 0) break;
    chunks.push(filled === want ? buffer : buffer.subarray(0, filled));
    total += filled;
    if (total > maxBytes) throw traceFileTooLarge(file, total, maxBytes);
    if (filled < want) break;
  }
  return (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total)).toString('utf8');
}
