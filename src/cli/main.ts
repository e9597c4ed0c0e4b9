import { SpanLensError } from '../core/errors';
import { type CliCommand, type CliIo, processIo, UsageError } from './io';
import { commands } from './commands';
import { OutputClosedError } from './output';
import { quoteForDisplay } from '../core/text/quoteForDisplay';

declare const SPANLENS_VERSION: string | undefined;
const version = typeof SPANLENS_VERSION === 'string' ? SPANLENS_VERSION : 'dev';

function help(list: readonly CliCommand[]): string {
  const width = Math.max(...list.map((c) => c.name.length), 8);
  return [
    'spanlens — trace-aware development from the command line (the same core as the Span Lens VS Code extension)',
    '',
    'Usage: spanlens <command> [options]',
    '',
    'Commands:',
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  --help, -h     show help (also: spanlens <command> --help)',
    '  --version, -v  print the version',
    '',
    'Sources: --source takes a Jaeger URL or a trace file path; default $SPANLENS_SOURCE or http://localhost:16686.',
  ].join('\n');
}

/** Runs the CLI and returns its exit code: 0 ok, 1 failure, 2 bad usage. */
export async function runCli(argv: readonly string[], io: CliIo = processIo, signal: AbortSignal = new AbortController().signal): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help(commands));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(version);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`spanlens: unknown command '${quoteForDisplay(name)}'. Run 'spanlens --help' for the list.`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io, signal);
  } catch (e) {
    // The reader stopped reading (`spanlens trace … | head`): nothing is wrong, as for any Unix tool.
    if (e instanceof OutputClosedError) return 0;
    if (e instanceof UsageError) {
      io.err(`spanlens ${command.name}: ${e.message}\n${command.usage}`);
      return 2;
    }
    if (e instanceof SpanLensError) {
      io.err(`spanlens ${command.name}: ${e.message}`);
      return 1;
    }
    io.err(`spanlens ${command.name}: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}

/** Exit codes of a process ended by a signal (128 + its number), for a second signal that cannot wait. */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

if (require.main === module) {
  const controller = new AbortController();
  // Ctrl-C, a service manager's SIGTERM and a closed terminal's SIGHUP all stop a command the same way: cleanly,
  // so `receive --persist` writes its snapshot. A second signal means "now": exit without waiting.
  for (const [signal, code] of Object.entries(STOP_SIGNALS)) {
    process.on(signal, () => {
      if (controller.signal.aborted) process.exit(code);
      controller.abort();
    });
  }
  // After SIGHUP the terminal may be gone: a failed write must not crash the command before it has saved its work.
  // stdout's errors are its writer's to judge (io.ts: a reader that went away ends the command quietly); this
  // listener only covers an error before the writer's first write installed its own.
  process.stdout.on('error', () => {});
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'EIO') throw e;
  });
  runCli(process.argv.slice(2), processIo, controller.signal).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`spanlens: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
