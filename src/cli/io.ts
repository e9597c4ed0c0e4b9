import { streamWriter } from './output';

/** Where a CLI command writes; tests pass their own to capture output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /**
   * Writes text as is (no newline added) and resolves once the destination can take more, so long output streams in
   * bounded memory; rejects with OutputClosedError when the reader has gone away (EPIPE: `spanlens trace … | head`).
   * Optional: without it, writeLines falls back to one out() per line (what test captures do).
   */
  write?(text: string): Promise<void>;
}

const stdoutWriter = streamWriter(process.stdout);

export const processIo: CliIo = {
  out: (text) => stdoutWriter.writeNow(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  write: (text) => stdoutWriter.write(text),
};

/** Thrown for bad usage; main turns it into exit code 2 with the message and a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A subcommand: parses its own arguments and returns the process exit code. */
export interface CliCommand {
  readonly name: string;
  /** One line for `spanlens --help`. */
  readonly summary: string;
  /** Full usage text for `spanlens NAME --help`. */
  readonly usage: string;
  run(args: readonly string[], io: CliIo, signal: AbortSignal): Promise<number>;
}
