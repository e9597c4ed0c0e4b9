/**
 * Starts the whole shop, one process per service (each with its own OpenTelemetry SDK and service name):
 * queue (broker, not instrumented), inventory, pricing (Go, when it was built), orders, fulfilment (queue consumer),
 * gateway.
 *
 *   node dist/start-all.js [--base-port 7070]
 *
 * Ctrl+C / SIGTERM stops them front to back: gateway and orders first (no new work), then fulfilment once it has
 * drained the queue, then inventory and the queue. Every service flushes its spans before it exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface ServiceSpec {
  readonly name: string;
  readonly file: string;
  /** Offset from the base port, or undefined for the worker without an HTTP port. */
  readonly portOffset?: number;
  /** A native binary beside this file (built from another language), started only when it was built. */
  readonly binary?: { readonly language: string; readonly hint: string };
}

const START_ORDER: readonly ServiceSpec[] = [
  { name: 'queue', file: 'queue.js', portOffset: 3 },
  { name: 'inventory', file: 'inventory.js', portOffset: 2 },
  { name: 'pricing', file: process.platform === 'win32' ? 'pricing.exe' : 'pricing', portOffset: 5, binary: { language: 'Go', hint: 'install Go, then npm run build:sample' } },
  { name: 'orders', file: 'orders.js', portOffset: 1 },
  { name: 'fulfilment', file: 'fulfilment.js' },
  { name: 'gateway', file: 'gateway.js', portOffset: 0 },
];
const STOP_ORDER = ['gateway', 'orders', 'fulfilment', 'pricing', 'inventory', 'queue'];

function basePort(): number {
  const i = process.argv.indexOf('--base-port');
  const text = i >= 0 ? process.argv[i + 1] : process.env['SHOP_BASE_PORT'] ?? '7070';
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65530) {
    console.error(`start-all: --base-port must be a port number, not ${String(text)}`);
    process.exit(2);
  }
  return port;
}

const base = basePort();
const children = new Map<string, ChildProcess>();
let stopping = false;

async function waitForHealth(name: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not become healthy on port ${port} within ${timeoutMs} ms`);
    if (!children.get(name) || children.get(name)!.exitCode !== null) throw new Error(`${name} exited during start-up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const name of STOP_ORDER) {
      const child = children.get(name);
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited(child);
      clearTimeout(timer);
    }
  }
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  // The gateway calls the Go pricing service only when it runs.
  const pricingOn = START_ORDER.some((s) => s.name === 'pricing' && fs.existsSync(path.join(__dirname, s.file))) ? 'on' : 'off';
  for (const spec of START_ORDER) {
    const file = path.join(__dirname, spec.file);
    if (spec.binary && !fs.existsSync(file)) {
      console.log(`start-all: skipped ${spec.name} (${spec.binary.language}): not built; ${spec.binary.hint}`);
      continue;
    }
    const child = spawn(spec.binary ? file : process.execPath, spec.binary ? [] : [file], {
      env: { ...process.env, OTEL_SERVICE_NAME: spec.name, SHOP_BASE_PORT: String(base), SHOP_PRICING: pricingOn },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.set(spec.name, child);
    child.once('exit', (code, signal) => {
      if (!stopping) {
        console.error(`start-all: ${spec.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the shop`);
        void stopAll(1);
      }
    });
    if (spec.portOffset !== undefined) await waitForHealth(spec.name, base + spec.portOffset, 20_000);
  }
  const endpoint = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? 'http://localhost:4318';
  console.log(`start-all: the shop is up at http://127.0.0.1:${base} (exporting traces to ${endpoint})`);
  console.log(`start-all: try  node ${path.join(path.relative(process.cwd(), __dirname) || '.', 'load.js')} --duration 30s --rps 20`);
}

main().catch((e: unknown) => {
  console.error(`start-all: ${e instanceof Error ? e.message : String(e)}`);
  void stopAll(1);
});
