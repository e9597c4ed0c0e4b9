import type { CliCommand, CliIo } from '../io';
import { UsageError } from '../io';
import { parseArgs } from '../args';
import { SOURCE_BOOLEAN_FLAGS, SOURCE_USAGE, SOURCE_VALUED_FLAGS, formatTable, openSourceFromFlags, printable, readSourceFlags } from '../sourceOptions';

export const operationsCommand: CliCommand = {
  name: 'operations',
  summary: 'list the operations (span names) of a service',
  usage: [
    'Usage: spanlens operations SERVICE [options]',
    '',
    'Lists the operations of SERVICE with their span kind (--json: an array of {name, spanKind}).',
    '',
    'Options:',
    SOURCE_USAGE,
  ].join('\n'),
  async run(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
    const args = parseArgs(argv, { valued: SOURCE_VALUED_FLAGS, boolean: SOURCE_BOOLEAN_FLAGS, maxPositionals: 1 });
    const [service] = args.positionals;
    if (service === undefined || service.trim() === '') throw new UsageError('missing SERVICE');
    const flags = readSourceFlags(args);
    const operations = await openSourceFromFlags(flags).operations(service, signal);
    if (flags.json) {
      io.out(JSON.stringify(operations, null, 2));
    } else if (operations.length === 0) {
      io.out(`(no operations for service '${printable(service)}' in ${flags.spec})`);
    } else {
      io.out(formatTable(['OPERATION', 'KIND'], operations.map((o) => [printable(o.name), o.spanKind || '-'])));
    }
    return 0;
  },
};
