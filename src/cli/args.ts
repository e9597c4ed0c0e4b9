import { UsageError } from './io';

export interface ParsedArgs {
  readonly positionals: string[];
  /** Last value per flag; boolean flags map to 'true'. */
  readonly flags: Map<string, string>;
  /** Every value of a repeatable flag, in order. */
  readonly repeated: Map<string, string[]>;
}

export interface FlagSpec {
  /** Flags that take a value, e.g. ['--source', '--service']. */
  readonly valued: readonly string[];
  /** Flags without a value, e.g. ['--json']. */
  readonly boolean: readonly string[];
  /** How many positional arguments the command takes at most; more are a usage error. Unlimited when absent. */
  readonly maxPositionals?: number;
}

/** Parses `--flag value`, `--flag=value` and boolean flags; unknown flags are a usage error. */
export function parseArgs(args: readonly string[], spec: FlagSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  const repeated = new Map<string, string[]>();
  const put = (name: string, value: string): void => {
    flags.set(name, value);
    repeated.set(name, [...(repeated.get(name) ?? []), value]);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (spec.boolean.includes(name)) {
      if (eq >= 0) throw new UsageError(`${name} takes no value`);
      put(name, 'true');
    } else if (spec.valued.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      put(name, value);
    } else {
      throw new UsageError(`unknown option ${name}`);
    }
  }
  const extra = spec.maxPositionals === undefined ? undefined : positionals[spec.maxPositionals];
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  return { positionals, flags, repeated };
}
