/** Where a CLI command writes; tests pass their own to capture output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
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
