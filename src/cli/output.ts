import { SpanLensError } from '../core/errors';

/** Thrown by a writer whose reader went away (EPIPE, a closed pipe): the command stops; main exits quietly. */
export class OutputClosedError extends Error {
  override readonly name = 'OutputClosedError';
  constructor(override readonly cause?: unknown) {
    super('the output was closed by its reader');
  }
}

/** Lines are sent in chunks of about this many characters: few writes, little held at a time. */
export const OUTPUT_CHUNK_CHARS = 64 * 1024;

export interface StreamWriter {
  /** Writes and waits for 'drain' when the stream's buffer is full; rejects with OutputClosedError once closed. */
  write(text: string): Promise<void>;
  /** Fire-and-forget write for short output (the classic io.out); a closed stream drops it silently. */
  writeNow(text: string): void;
}

/**
 * Back-pressure and EPIPE handling for one stream (stdout). The error listener is installed once: without one, an
 * EPIPE from a reader that quit (`| head`) would crash the process with an unhandled 'error' event.
 */
export function streamWriter(stream: NodeJS.WritableStream): StreamWriter {
  let closed: unknown;
  let listening = false;
  const waiters = new Set<(e: unknown) => void>();
  const markClosed = (e: unknown): void => {
    closed ??= e ?? new Error('closed');
    for (const w of waiters) w(closed);
    waiters.clear();
  };
  const listen = (): void => {
    if (listening) return;
    listening = true;
    stream.on('error', markClosed);
    stream.on('close', () => markClosed(undefined));
  };
  return {
    writeNow(text: string): void {
      listen();
      if (closed !== undefined) return;
      try {
        stream.write(text);
      } catch (e) {
        markClosed(e);
      }
    },
    write(text: string): Promise<void> {
      listen();
      if (closed !== undefined) return Promise.reject(new OutputClosedError(closed));
      let ok: boolean;
      try {
        ok = stream.write(text);
      } catch (e) {
        markClosed(e);
        return Promise.reject(new OutputClosedError(e));
      }
      if (ok) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onClosed = (e: unknown): void => {
          stream.off('drain', onDrain);
          reject(new OutputClosedError(e));
        };
        const onDrain = (): void => {
          waiters.delete(onClosed);
          resolve();
        };
        waiters.add(onClosed);
        stream.once('drain', onDrain);
      });
    },
  };
}

/**
 * Writes lines (each without its newline) through io.write in chunks, waiting whenever the reader is behind, so
 * output of any length needs memory for one chunk only. Without io.write (test captures), one io.out per line.
 * Checks the signal between chunks (Ctrl-C stops a long print).
 */
export async function writeLines(io: { out(text: string): void; write?(text: string): Promise<void> }, lines: Iterable<string>, signal?: AbortSignal): Promise<void> {
  const write = io.write?.bind(io);
  if (!write) {
    for (const line of lines) io.out(line);
    return;
  }
  let parts: string[] = [];
  let size = 0;
  for (const line of lines) {
    parts.push(line);
    size += line.length + 1;
    if (size >= OUTPUT_CHUNK_CHARS) {
      await write(`${parts.join('\n')}\n`);
      parts = [];
      size = 0;
      if (signal?.aborted) throw new SpanLensError('cancelled', 'Printing was cancelled.');
    }
  }
  if (parts.length > 0) await write(`${parts.join('\n')}\n`);
}
