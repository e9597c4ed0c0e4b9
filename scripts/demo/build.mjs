// Build steps of the demo: the extension (esbuild, seconds), the sample shop's dependencies (only when missing or
// out of date with its lockfile) and its TypeScript, and code-server (installed once into a cache folder).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCodeServer, isCodeServerInstalled } from '../webhost/install.mjs';
import { runCommand } from './processes.mjs';

/**
 * Why `npm ci` must run in `dir`, or undefined when node_modules matches package-lock.json: every locked package
 * is installed at the locked version (npm records what it installed in node_modules/.package-lock.json).
 */
export function staleDependenciesReason(dir) {
  const lockFile = join(dir, 'package-lock.json');
  const installedFile = join(dir, 'node_modules', '.package-lock.json');
  if (!existsSync(join(dir, 'node_modules'))) return 'node_modules is missing';
  if (!existsSync(installedFile)) return 'node_modules was not installed by npm 7 or later';
  let locked;
  let installed;
  try {
    locked = JSON.parse(readFileSync(lockFile, 'utf8')).packages ?? {};
    installed = JSON.parse(readFileSync(installedFile, 'utf8')).packages ?? {};
  } catch (error) {
    return `cannot read the lockfiles (${error instanceof Error ? error.message : error})`;
  }
  for (const [path, entry] of Object.entries(locked)) {
    if (path === '' || entry.link) continue;
    const have = installed[path];
    // Optional packages for other platforms are locked but never installed.
    if (!have) {
      if (entry.optional) continue;
      return `${path.replace(/^node_modules\//, '')} is not installed`;
    }
    if (entry.version && have.version !== entry.version) {
      return `${path.replace(/^node_modules\//, '')} is ${have.version}, the lockfile wants ${entry.version}`;
    }
  }
  return undefined;
}

/** Environment for a nested npm: variables of an enclosing `npm run demo` would point it at this repo's package. */
export function npmEnv() {
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  for (const key of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_)/.test(key) || key === 'npm_config_global_prefix' || key === 'npm_config_local_prefix') delete env[key];
  }
  return env;
}

/**
 * @param {{ repoRoot: string, logDir: string, step: (title: string, fn: () => Promise<unknown>) => Promise<unknown>,
 *   log: (line: string) => void, signal: AbortSignal }} options
 */
export async function buildEverything({ repoRoot, logDir, step, log, signal }) {
  const shopDir = join(repoRoot, 'samples', 'shop');
  const env = npmEnv();
  if (!existsSync(join(repoRoot, 'node_modules'))) {
    throw new Error(`${join(repoRoot, 'node_modules')} is missing: run 'npm ci' in ${repoRoot} first.`);
  }
  await step('build the extension (npm run build)', () =>
    runCommand({ title: 'npm run build', command: 'npm', args: ['run', 'build'], cwd: repoRoot, env, logFile: join(logDir, 'build-extension.log'), signal }),
  );
  const stale = staleDependenciesReason(shopDir);
  if (stale) {
    await step(`install the sample's dependencies (npm ci: ${stale})`, () =>
      runCommand({ title: 'npm --prefix samples/shop ci', command: 'npm', args: ['ci', '--no-audit', '--no-fund'], cwd: shopDir, env, logFile: join(logDir, 'shop-npm-ci.log'), signal }),
    );
  }
  await step('build the sample shop (tsc)', () =>
    runCommand({ title: 'npm --prefix samples/shop run build', command: 'npm', args: ['run', 'build'], cwd: shopDir, env, logFile: join(logDir, 'build-shop.log'), signal }),
  );
  const installed = isCodeServerInstalled();
  await step(installed ? 'code-server 4.100.3 (installed)' : 'install code-server 4.100.3 (first run only, about a minute)', async () => {
    await ensureCodeServer({ log: (line) => log(line.replace(/^webhost:\s*/, '  ')) });
  });
}
