import type { CliCommand, CliIo } from '../io';
import { parseArgs } from '../args';
import { SOURCE_BOOLEAN_FLAGS, SOURCE_USAGE, SOURCE_VALUED_FLAGS, openSourceFromFlags, printable, readSourceFlags } from '../sourceOptions';

export const servicesCommand: CliCommand = {
  name: 'services',
  summary: 'list the services the trace source knows',
  usage: ['Usage: spanlens services [options]', '', 'Lists service names, one per line (--json: an array of strings).', '', 'Options:', SOURCE_USAGE].join('\n'),
  async run(argv: readonly string[], io: CliIo, signal: AbortSignal): Promise<number> {
    const args = parseArgs(argv, { valued: SOURCE_VALUED_FLAGS, boolean: SOURCE_BOOLEAN_FLAGS, maxPositionals: 0 });
    const flags = readSourceFlags(args);
    const services = await openSourceFromFlags(flags).services(signal);
    if (flags.json) io.out(JSON.stringify(services, null, 2));
    else io.out(services.length ? services.map(printable).join('\n') : `(no services in ${flags.spec})`);
    return 0;
  },
};
