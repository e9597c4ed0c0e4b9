import type { CliCommand } from './io';
import { receiveCommand } from './commands/receive';

/** Every subcommand, in the order `spanlens --help` lists them. Each lives in src/cli/commands/<name>.ts. */
export const commands: readonly CliCommand[] = [receiveCommand];
