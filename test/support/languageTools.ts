// Runs a language's own tool (python3, go, javac/java) on generated code, for the code-generation tests. A tool
// that is not installed skips the test with a message saying which one.
import { spawnSync } from 'node:child_process';

export function hasTool(command: string): boolean {
  const r = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error === undefined && r.status === 0) return true;
  // `go` and `javac` take `version` / `-version`.
  const alt = spawnSync(command, [command === 'go' ? 'version' : '-version'], { encoding: 'utf8', timeout: 20_000 });
  return alt.error === undefined && alt.status === 0;
}

export interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runTool(command: string, args: readonly string[], options: { readonly input?: string; readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number } = {}): ToolRun {
  const r = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...process.env, ...options.env },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** UTF-16 code units of a string as hex, so lone surrogates compare exactly across languages. */
export function codeUnits(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) out += value.charCodeAt(i).toString(16).padStart(4, '0');
  return out;
}
