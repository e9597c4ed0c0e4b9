#!/usr/bin/env node
// The tests against real backends: installs (once) and starts Jaeger 2.12.0 and Zipkin 3.6.1 on free loopback ports,
// runs test/real/**/*.test.ts with mocha in Node (CLI and core) and then test/integration/real/ inside real VS Code
// (code-server), and prints `real backends: N passed, N failed` as its last line.
//
//   node scripts/run-real-backend-tests.mjs [--only node|vscode]     (npm run test:real builds first)
//
// A backend whose toolchain is missing (Go for Jaeger, Java and Maven for Zipkin) is skipped with one line saying what
// is missing, and so are its tests; with CI=true a skip is a failure. The tests find the servers through
//   SPANLENS_REAL_JAEGER_URL, SPANLENS_REAL_JAEGER_OTLP_HTTP, SPANLENS_REAL_JAEGER_OTLP_GRPC, SPANLENS_REAL_ZIPKIN_URL
// and stop / restart them through SPANLENS_REAL_CONTROL (scripts/backends/controlServer.mjs).
// Logs: test-results/real-backends/ (the servers' own logs included).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCacheDir, repoRoot, seconds } from './backends/common.mjs';
import { startBackendControl } from './backends/controlServer.mjs';
import { BACKENDS } from './backends/registry.mjs';

const { values: flags } = parseArgs({ options: { only: { type: 'string' } } });
if (flags.only !== undefined && flags.only !== 'node' && flags.only !== 'vscode') {
  console.error('usage: node scripts/run-real-backend-tests.mjs [--only node|vscode]');
  process.exit(2);
}
const ci = process.env.CI === 'true' || process.env.CI === '1';
const cacheDir = defaultCacheDir();
const logDir = join(repoRoot, 'test-results', 'real-backends');
mkdirSync(logDir, { recursive: true });
const say = (line) => console.log(`real backends: ${line}`);

let passed = 0;
let failed = 0;
let skipped = 0;
const running = new Map();
const startOptions = new Map();
let control;

try {
  const env = {};
  for (const name of Object.keys(BACKENDS)) {
    const t0 = Date.now();
    let installed;
    try {
      installed = await BACKENDS[name].install({ cacheDir, log: say });
    } catch (error) {
      say(`installing ${name} failed: ${error instanceof Error ? error.message : error}`);
      failed++;
      continue;
    }
    if (!installed.ok) {
      say(`SKIPPED the ${name} tests: ${installed.missing}${ci ? ' (CI=true: a skip is a failure)' : ''}`);
      if (ci) failed++;
      else skipped++;
      continue;
    }
    say(`${name}: ${installed.cached ? 'installed (cached)' : `installed in ${installed.seconds} s`}`);
    const options = { cacheDir, logDir };
    const backend = await BACKENDS[name].start(options);
    running.set(name, backend);
    // A restart reuses the ports, so the URLs the tests were given stay right.
    startOptions.set(name, { ...options, ...(name === 'jaeger' ? { ports: backend.ports } : { port: backend.ports.query }) });
    say(`${name} ${backend.version} ready in ${seconds(Date.now() - t0)} s: ${Object.entries(backend.urls).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  const jaeger = running.get('jaeger');
  const zipkin = running.get('zipkin');
  if (jaeger) {
    env.SPANLENS_REAL_JAEGER_URL = jaeger.urls.query;
    env.SPANLENS_REAL_JAEGER_OTLP_HTTP = jaeger.urls.otlpHttp;
    env.SPANLENS_REAL_JAEGER_OTLP_GRPC = jaeger.urls.otlpGrpc;
  }
  if (zipkin) env.SPANLENS_REAL_ZIPKIN_URL = zipkin.urls.query;
  control = await startBackendControl({
    backends: running,
    restart: async (name) => running.set(name, await BACKENDS[name].start(startOptions.get(name))),
  });
  env.SPANLENS_REAL_CONTROL = control.url;

  if (running.size > 0) {
    if (flags.only !== 'vscode') {
      const counts = await runCounted('node', [join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--config', '.mocharc.json', 'test/real/**/*.test.ts'], { ...env, SPANLENS_TEST_LABEL: 'real backends (node)' }, 'real backends (node)');
      passed += counts.passed;
      failed += counts.failed;
    }
    if (flags.only !== 'node') {
      const counts = await runCounted('node', [join(repoRoot, 'scripts', 'run-web-host-tests.mjs'), '--suite', 'real'], { ...env, SPANLENS_TEST_LABEL: 'real backends (VS Code)' }, 'real backends (VS Code)');
      passed += counts.passed;
      failed += counts.failed;
    }
  }
} catch (error) {
  say(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
  failed++;
} finally {
  await control?.close();
  for (const [name, backend] of running) {
    await backend.stop().catch((error) => say(`stopping ${name}: ${error instanceof Error ? error.message : error}`));
  }
}
say(`logs in ${logDir}`);
console.log(`real backends: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);

/**
 * Runs a test command with its output passed through, and reads its closing `<label>: N passed, N failed` line. A run
 * that ends without one (it crashed) counts as one failure.
 */
function runCounted(command, args, env, label) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    });
    child.once('exit', (code) => {
      const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const m = [...tail.matchAll(new RegExp(`^${escaped}: (\\d+) passed, (\\d+) failed`, 'gm'))].pop();
      if (!m) {
        say(`${label} ended (exit code ${code}) without its closing count line`);
        resolve({ passed: 0, failed: 1 });
        return;
      }
      const counts = { passed: Number(m[1]), failed: Number(m[2]) };
      if (code !== 0 && counts.failed === 0) counts.failed = 1;
      resolve(counts);
    });
  });
}
