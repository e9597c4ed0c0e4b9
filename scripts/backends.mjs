#!/usr/bin/env node
// Real trace backends for Span Lens's tests, demo and benchmarks: Jaeger 2.12.0 (built from its Go module) and
// Zipkin 3.6.1 (the server jar from Maven Central), on free loopback ports, logs under the cache folder.
//
//   node scripts/backends.mjs install [jaeger|zipkin]   build / fetch (once; later runs reuse the cache)
//   node scripts/backends.mjs start [jaeger|zipkin]     start in the background, print the URLs
//   node scripts/backends.mjs status [jaeger|zipkin]    running? which URLs?
//   node scripts/backends.mjs stop [jaeger|zipkin]      stop what `start` started
//   node scripts/backends.mjs run [jaeger|zipkin]       start in the foreground until Ctrl-C
//
// No name means every backend. The cache is `.spanlens-cache/backends` (or $SPANLENS_CACHE_DIR/backends); `start`
// keeps each backend's state (pid, URLs) and log there.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir, ensureDir, repoRoot } from './backends/common.mjs';
import { BACKENDS } from './backends/registry.mjs';

const USAGE = 'usage: node scripts/backends.mjs install|start|stop|status|run [jaeger|zipkin]';

const [command, name, ...extra] = process.argv.slice(2);
if (!command || command === '--help' || command === '-h') {
  console.log(USAGE);
  process.exit(command ? 0 : 2);
}
if (extra.length > 0 || (name !== undefined && !(name in BACKENDS))) fail(`${USAGE}\n(unknown argument: ${extra[0] ?? name})`, 2);
const names = name ? [name] : Object.keys(BACKENDS);
const cacheDir = defaultCacheDir();
const stateFile = (n) => join(cacheDir, n, 'running.json');
const log = (line) => console.log(line);

switch (command) {
  case 'install': {
    let missing = 0;
    for (const n of names) {
      const result = await BACKENDS[n].install({ cacheDir, log });
      if (result.ok) console.log(`${n}: installed${result.cached ? ' (cached)' : ` in ${result.seconds} s`}`);
      else {
        missing++;
        console.log(`${n}: not installed: ${result.missing}`);
      }
    }
    process.exit(missing ? 1 : 0);
    break;
  }
  case 'start':
    for (const n of names) await startInBackground(n);
    break;
  case 'run':
    await runInForeground(names);
    break;
  case 'status':
    for (const n of names) console.log(`${n}: ${await statusLine(n)}`);
    break;
  case 'stop':
    for (const n of names) await stopBackground(n);
    break;
  case '__serve':
    await serve(names[0]);
    break;
  default:
    fail(USAGE, 2);
}

function readState(n) {
  try {
    return JSON.parse(readFileSync(stateFile(n), 'utf8'));
  } catch {
    return undefined;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function statusLine(n) {
  const state = readState(n);
  if (!state || !isAlive(state.pid)) return BACKENDS[n].isInstalled(cacheDir) ? 'installed, not running' : 'not installed';
  const health = n === 'jaeger' ? state.urls.health : `${state.urls.query}/health`;
  const answers = await fetch(health, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
  return `running (pid ${state.pid}, ${answers ? 'healthy' : 'NOT answering'}): ${Object.entries(state.urls).map(([k, v]) => `${k} ${v}`).join(', ')}; log ${state.logFile}`;
}

/** Installs, then starts `__serve` detached; it writes the state file once the backend answers. */
async function startInBackground(n) {
  const state = readState(n);
  if (state && isAlive(state.pid)) {
    console.log(`${n}: already running: ${Object.values(state.urls).join(' ')}`);
    return;
  }
  const installed = await BACKENDS[n].install({ cacheDir, log });
  if (!installed.ok) fail(`${n}: cannot start: ${installed.missing}`);
  rmSync(stateFile(n), { force: true });
  const logDir = ensureDir(join(cacheDir, n));
  const out = openSync(join(logDir, 'serve.log'), 'a');
  const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '__serve', n], { cwd: repoRoot, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  const deadline = Date.now() + 120_000;
  while (!existsSync(stateFile(n))) {
    if (!isAlive(child.pid)) fail(`${n}: did not start; see ${join(logDir, 'serve.log')}`);
    if (Date.now() > deadline) fail(`${n}: not ready within 120 s; see ${join(logDir, 'serve.log')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const started = readState(n);
  console.log(`${n}: started (pid ${started.pid}): ${Object.entries(started.urls).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

/** The detached side of `start`: runs the backend until SIGTERM, keeping its state file while it lives. */
async function serve(n) {
  const logDir = join(cacheDir, n);
  const backend = await BACKENDS[n].start({ cacheDir, logDir });
  const stop = async () => {
    rmSync(stateFile(n), { force: true });
    await backend.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  writeFileSync(stateFile(n), JSON.stringify({ pid: process.pid, urls: backend.urls, logFile: backend.logFile }, null, 2));
  await backend.exited;
  rmSync(stateFile(n), { force: true });
  console.error(`${n} exited on its own; see ${backend.logFile}`);
  process.exit(1);
}

async function stopBackground(n) {
  const state = readState(n);
  if (!state || !isAlive(state.pid)) {
    rmSync(stateFile(n), { force: true });
    console.log(`${n}: not running`);
    return;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (isAlive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  console.log(`${n}: ${isAlive(state.pid) ? `still running (pid ${state.pid}) after 15 s` : 'stopped'}`);
}

async function runInForeground(list) {
  const running = [];
  for (const n of list) {
    const installed = await BACKENDS[n].install({ cacheDir, log });
    if (!installed.ok) {
      console.log(`${n}: skipped: ${installed.missing}`);
      continue;
    }
    const backend = await BACKENDS[n].start({ cacheDir, logDir: join(cacheDir, n) });
    running.push(backend);
    console.log(`${n} ${backend.version}: ${Object.entries(backend.urls).map(([k, v]) => `${k} ${v}`).join(', ')} (log ${backend.logFile})`);
  }
  if (running.length === 0) fail('nothing to run');
  console.log('Ctrl-C stops them.');
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.all(running.map((b) => b.stop()));
}

function fail(message, code = 1) {
  console.error(message);
  process.exit(code);
}
