// Real Go code for the corpus tests, fetched at test time with `go mod download` (the Go module proxy of the
// machine's Go setup) into .spanlens-cache/corpora/go/ (git-ignored, a module cache of its own), never committed.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './fixtures';

export const goCorpusCache = (): string => path.join(repoRoot(), '.spanlens-cache', 'corpora', 'go');
const cacheDir = goCorpusCache();

/** Downloads module@version into the corpus cache (a module cache of its own) and returns its folder. */
export function downloadGoModule(module: string, version: string): Promise<string> {
  fs.mkdirSync(cacheDir, { recursive: true });
  return new Promise((resolve, reject) => {
    execFile(
      'go',
      ['mod', 'download', '-json', `${module}@${version}`],
      // Outside any module, with the cache writable so the folder can be deleted like any other cache.
      { cwd: cacheDir, timeout: 180_000, env: { ...process.env, GOMODCACHE: path.join(cacheDir, 'mod'), GOFLAGS: '-modcacherw', GO111MODULE: 'on' } },
      (err, stdout, stderr) => {
        let dir: string | undefined;
        try {
          dir = (JSON.parse(stdout) as { Dir?: string; Error?: string }).Dir;
        } catch {
          // no JSON: reported below
        }
        if (dir && fs.existsSync(dir)) resolve(dir);
        else reject(new Error((err?.message ?? '') + String(stderr).slice(0, 400)));
      },
    );
  });
}

