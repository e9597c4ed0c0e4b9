import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(REPO, 'src', 'cli', 'main.ts');

/** `spanlens receive --json …` run as its own process (node + tsx), as a user or a service manager runs it. */
export interface ReceiveChild {
  readonly process: ChildProcess;
  readonly otlpEndpoint: string;
  readonly queryUrl: string;
  readonly stdoutLines: () => string[];
  readonly stderr: () => string;
  /** Resolves with the exit code (or the signal name) when the process has ended. */
  readonly exited: Promise<number | string>;
  /** Ends the process if it still runs (SIGKILL): for test cleanup. */
  kill(): void;
}

export interface ReceiveChildOptions {
  /** Run under `ulimit -f` (KiB): a real limit on the size of files the process may write. */
  readonly fileSizeLimitKiB?: number;
  readonly timeoutMs?: number;
}

export async function startReceiveChild(args: readonly string[], options: ReceiveChildOptions = {}): Promise<ReceiveChild> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const argv = ['--require', 'tsx/cjs', CLI, 'receive', '--port', '0', '--query-port', '0', '--json', ...args];
  const child =
    options.fileSizeLimitKiB === undefined
      ? spawn(process.execPath, argv, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
      : // bash counts ulimit -f in 1024-byte blocks; exec keeps the pid, so signals reach node itself.
        spawn('bash', ['-c', `ulimit -f ${options.fileSizeLimitKiB} && exec "$0" "$@"`, process.execPath, ...argv], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const lines = (): string[] => out.split('\n').filter((l) => l.trim() !== '');
  const started = await new Promise<{ otlpEndpoint: string; queryUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`spanlens receive did not start in ${timeoutMs} ms:\n${out}\n${err}`)), timeoutMs);
    const check = (): void => {
      const first = lines()[0];
      if (!first) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      try {
        resolve(JSON.parse(first) as { otlpEndpoint: string; queryUrl: string });
      } catch {
        reject(new Error(`unexpected first line: ${first}\n${err}`));
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`spanlens receive exited (${code}) before listening:\n${out}\n${err}`));
    });
  });
  return {
    process: child,
    otlpEndpoint: started.otlpEndpoint,
    queryUrl: started.queryUrl,
    stdoutLines: lines,
    stderr: () => err,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
