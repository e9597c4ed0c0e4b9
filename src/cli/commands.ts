import type { CliCommand } from './io';
import { servicesCommand } from './commands/services';
import { operationsCommand } from './commands/operations';
import { searchCommand } from './commands/search';
import { traceCommand } from './commands/trace';
import { exportCommand } from './commands/export';
import { receiveCommand } from './commands/receive';
import { lensesCommand } from './commands/lenses';
import { analyzeCommand } from './commands/analyze';
import { lintCommand } from './commands/lint';
import { fixCommand } from './commands/fix';
import { errorsCommand } from './commands/errors';
import { mcpCommand } from './commands/mcp';

/** Every subcommand, in the order `spanlens --help` lists them. Each lives in src/cli/commands/<name>.ts. */
export const commands: readonly CliCommand[] = [
  servicesCommand,
  operationsCommand,
  searchCommand,
  traceCommand,
  exportCommand,
  receiveCommand,
  lensesCommand,
  analyzeCommand,
  errorsCommand,
  lintCommand,
  fixCommand,
  mcpCommand,
];
