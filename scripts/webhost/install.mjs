// Installs code-server (VS Code OSS served to a browser) into a cache folder on first use, following
// /work/shared/VSCODE-WEB-HOST.md. Lifecycle scripts are skipped because code-server's own postinstall refuses to run
// as root and downloads ripgrep from the internet; the native modules are rebuilt by name instead and ripgrep comes
// from the Debian package. A marker file written last makes the install idempotent: a folder without it is a failed
// or interrupted install and is wiped and redone.
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';

export const CODE_SERVER_VERSION = '4.100.3';

const repoRoot = resolve(new URL('../..', import.meta.url).pathname);
const NATIVE_MODULES = ['kerberos', 'node-pty', '@parcel/watcher', '@vscode/spdlog', '@vscode/deviceid', 'native-watchdog'];
const MARKER = '.spanlens-installed';
const LOCK_STALE_MS = 15 * 60 * 1000;

/** The folder code-server is installed into; `SPANLENS_CODE_SERVER_DIR` overrides it (e.g. to share one install). */
export function codeServerInstallDir() {
  return process.env.SPANLENS_CODE_SERVER_DIR
    ? resolve(process.env.SPANLENS_CODE_SERVER_DIR)
    : join(repoRoot, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
}

/** Path of code-server's server entry point inside an install folder. */
export function codeServerEntry(installDir = codeServerInstallDir()) {
  return join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** True when the install folder holds a complete install of the expected version. */
export function isCodeServerInstalled(installDir = codeServerInstallDir()) {
  const markerPath = join(installDir, MARKER);
  if (!existsSync(markerPath) || !existsSync(codeServerEntry(installDir))) return false;
  try {
    return JSON.parse(readFileSync(markerPath, 'utf8')).version === CODE_SERVER_VERSION;
  } catch {
    return false;
  }
}

/**
 * Installs code-server unless a complete install is present. Returns the path of its entry.js.
 * @param {{ log?: (line: string) => void }} [options]
 */
export async function ensureCodeServer(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const installDir = codeServerInstallDir();
  if (isCodeServerInstalled(installDir)) {
    removeAbandonedStagingDirs(installDir);
    return codeServerEntry(installDir);
  }

  const releaseLock = await acquireLock(`${installDir}.lock`, log);
  try {
    // Another run may have finished the install while we waited for the lock.
    if (isCodeServerInstalled(installDir)) return codeServerEntry(installDir);
    checkPrerequisites();
    await install(installDir, log);
    return codeServerEntry(installDir);
  } finally {
    releaseLock();
  }
}

function checkPrerequisites() {
  const missing = [];
  if (!commandPath('rg')) missing.push('ripgrep');
  if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  if (missing.length > 0) {
    throw new Error(
      `code-server cannot be installed: missing Debian packages ${missing.join(', ')}. ` +
        `Run: apt-get update && apt-get install -y chromium libkrb5-dev ripgrep (or .ci/run, which does it).`,
    );
  }
}

/**
 * Installs into a staging folder named after this process and renames it into place when complete, so an
 * install whose process was killed (its npm children may still be running) never collides with the next one.
 */
async function install(finalDir, log) {
  const started = Date.now();
  const logFile = `${finalDir}.install.log`;
  removeAbandonedStagingDirs(finalDir);
  const installDir = `${finalDir}.staging-${process.pid}`;
  rmSync(installDir, { recursive: true, force: true });
  mkdirSync(installDir, { recursive: true });
  writeFileSync(logFile, `code-server ${CODE_SERVER_VERSION} install, ${new Date().toISOString()}\n`);
  log(`webhost: installing code-server ${CODE_SERVER_VERSION} into ${finalDir} (log: ${logFile})`);

  writeFileSync(join(installDir, 'package.json'), JSON.stringify({ name: 'spanlens-code-server', private: true }, null, 2));
  const vscodeDir = join(installDir, 'node_modules', 'code-server', 'lib', 'vscode');
  const env = installEnv();
  const step = async (title, cwd, args, extraEnv = {}) => {
    const t0 = Date.now();
    await run('npm', args, { cwd, env: { ...env, ...extraEnv }, logFile });
    log(`webhost:   ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  };

  await step(`npm install code-server@${CODE_SERVER_VERSION}`, installDir, ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`]);
  await step('rebuild argon2', installDir, ['rebuild', 'argon2']);
  await step('install VS Code server dependencies', vscodeDir, ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
  // npm_config_yes lets node-pty's build script run `npx node-gyp` without a prompt.
  await step('rebuild native modules', vscodeDir, ['rebuild', ...NATIVE_MODULES], { npm_config_yes: 'true' });

  const rgDir = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgDir, { recursive: true });
  copyFileSync(commandPath('rg'), join(rgDir, 'rg'));
  // VS Code resolves some modules through node_modules.asar, which only exists in packaged builds.
  const asarLink = join(vscodeDir, 'node_modules.asar');
  rmSync(asarLink, { force: true });
  symlinkSync('node_modules', asarLink);

  await step('install built-in extension dependencies', join(vscodeDir, 'extensions'), ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund']);

  if (!existsSync(codeServerEntry(installDir))) throw new Error(`code-server install finished but ${codeServerEntry(installDir)} is missing`);
  writeFileSync(join(installDir, MARKER), JSON.stringify({ version: CODE_SERVER_VERSION, installedAt: new Date().toISOString() }) + '\n');
  rmSync(finalDir, { recursive: true, force: true });
  renameSync(installDir, finalDir);
  log(`webhost: code-server installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function removeAbandonedStagingDirs(finalDir) {
  const parent = dirname(finalDir);
  const prefix = `${basename(finalDir)}.staging-`;
  for (const name of existsSync(parent) ? readdirSync(parent) : []) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && pid !== process.pid && isProcessAlive(pid)) continue;
    try {
      rmSync(join(parent, name), { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // An orphaned npm of the killed install may still write there; the next install tries again.
    }
  }
}

function isProcessAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Environment for npm: node-gyp builds against the local Node headers instead of downloading them. */
function installEnv() {
  const env = { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' };
  // Inherited npm_* variables of an enclosing `npm run` would point the nested npm at this repo's package.
  for (const key of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_)/.test(key) || key === 'npm_config_global_prefix' || key === 'npm_config_local_prefix') delete env[key];
  }
  const nodePrefix = dirname(dirname(process.execPath));
  if (!env.npm_config_nodedir && existsSync(join(nodePrefix, 'include', 'node', 'node.h'))) env.npm_config_nodedir = nodePrefix;
  return env;
}

function run(command, args, { cwd, env, logFile }) {
  appendFileSync(logFile, `\n$ (cd ${cwd} && ${command} ${args.join(' ')})\n`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    const onData = (data) => {
      appendFileSync(logFile, data);
      chunks.push(data);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolvePromise();
      const tail = Buffer.concat(chunks).toString('utf8').split('\n').slice(-30).join('\n');
      reject(new Error(`'${command} ${args.join(' ')}' in ${cwd} failed (${signal ?? `exit ${code}`}); see ${logFile}\n${tail}`));
    });
  });
}

function commandPath(name) {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A lock folder holding the owner's pid; a lock whose owner is gone or that is older than 15 min is taken over. */
async function acquireLock(lockDir, log) {
  mkdirSync(dirname(lockDir), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    if (isStaleLock(lockDir)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      log(`webhost: waiting for another code-server install to finish (${lockDir})`);
      announced = true;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function isStaleLock(lockDir) {
  try {
    if (Date.now() - statSync(lockDir).mtimeMs > LOCK_STALE_MS) return true;
    const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // ESRCH: the owner is gone. A missing pid file means the owner is between mkdir and write; not stale yet.
    return error.code === 'ESRCH';
  }
}

// `node scripts/webhost/install.mjs` installs (or checks) code-server on its own.
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  ensureCodeServer().then(
    (entry) => console.log(`webhost: code-server ready: ${entry}`),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
