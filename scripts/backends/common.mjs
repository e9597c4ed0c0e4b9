// What the real-backend scripts share: where they cache, how they find tools, run a build step with a log file, and
// wait until a started server answers. Processes and ports come from the demo's helpers.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(new URL('../..', import.meta.url).pathname);

/** `$SPANLENS_CACHE_DIR/backends`, else `.spanlens-cache/backends` in the repo (git-ignored). */
export function defaultCacheDir() {
  const base = process.env.SPANLENS_CACHE_DIR ? resolve(process.env.SPANLENS_CACHE_DIR) : join(repoRoot, '.spanlens-cache');
  return join(base, 'backends');
}

export function ensureDir(dir) {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The first line a command prints for `args` (e.g. a version), or undefined when it cannot run. */
export function commandOutput(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).trim();
  } catch {
    return undefined;
  }
}

/**
 * Polls `url` until `ready(status, text)` holds. Rejects after `timeoutMs`, or as soon as `failed()` gives a reason
 * (the server's process exited).
 * @param {{ url: string, ready: (status: number, text: string) => boolean, timeoutMs: number, what: string,
 *   failed?: () => string | undefined }} options
 */
export async function waitForHttp({ url, ready, timeoutMs, what, failed }) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    const reason = failed?.();
    if (reason) throw new Error(`${what} did not start: ${reason}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const text = await response.text();
      if (ready(response.status, text)) return;
      last = `HTTP ${response.status}: ${text.slice(0, 120)}`;
    } catch (error) {
      last = error instanceof Error ? (error.cause?.code ?? error.message) : String(error);
    }
    if (Date.now() > deadline) throw new Error(`${what} did not become ready at ${url} within ${Math.round(timeoutMs / 1000)} s (last: ${last})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function seconds(ms) {
  return Math.round(ms / 100) / 10;
}
