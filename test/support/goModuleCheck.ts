// Checks Go code with Go's own tools in a throwaway module that requires the OpenTelemetry Go API (the sample
// shop's pricing go.mod and go.sum, whose modules npm run build:sample has already downloaded): gofmt -l, go vet
// (which type-checks, so it is also the build check) and go build.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './fixtures';
import { hasTool, runTool, type ToolRun } from './languageTools';

export interface GoCheck {
  /** Files gofmt would change (workspace-relative). */
  readonly unformatted: string[];
  readonly vet: ToolRun;
  readonly build: ToolRun;
  /** `go run` of `options.run`, when asked. */
  readonly run?: ToolRun;
}

export function goToolsPresent(): boolean {
  if (!hasTool('go')) return false;
  // gofmt has no version flag: format an empty input.
  try {
    return runTool('gofmt', [], { input: '' }).status === 0;
  } catch {
    return false;
  }
}

/** Writes `files` (path → text) into a new module with the OTel API and runs gofmt, go vet and go build over it. */
export function checkGoModule(files: Readonly<Record<string, string>>, options: { readonly run?: string; readonly env?: NodeJS.ProcessEnv; readonly requires?: Readonly<Record<string, string>> } = {}): GoCheck {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-gocheck-'));
  try {
    const pricing = path.join(repoRoot(), 'samples', 'shop', 'go', 'pricing');
    const extra = Object.entries(options.requires ?? {}).map(([m, v]) => `require ${m} ${v}\n`).join('');
    fs.writeFileSync(path.join(dir, 'go.mod'), fs.readFileSync(path.join(pricing, 'go.mod'), 'utf8').replace(/^module .*$/m, 'module spanlens.dev/gocheck') + extra);
    fs.copyFileSync(path.join(pricing, 'go.sum'), path.join(dir, 'go.sum'));
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    const env = { GOFLAGS: '-mod=mod', GOWORK: 'off' };
    // Extra modules (gRPC, say) get their go.sum lines from the module proxy or the cache.
    if (options.requires) runTool('go', ['mod', 'tidy'], { cwd: dir, env, timeoutMs: 300_000 });
    const fmt = runTool('gofmt', ['-l', '.'], { cwd: dir, env });
    const unformatted = fmt.stdout.split('\n').filter((l) => l.trim() !== '');
    const vet = runTool('go', ['vet', './...'], { cwd: dir, env });
    const build = runTool('go', ['build', './...'], { cwd: dir, env });
    const run = options.run ? runTool('go', ['run', options.run], { cwd: dir, env: { ...env, ...options.env } }) : undefined;
    return { unformatted, vet, build, ...(run ? { run } : {}) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
