/**
 * Starts the whole shop, one process per service (each with its own OpenTelemetry SDK and service name):
 * queue (broker, not instrumented), inventory, orders, fulfilment (queue consumer), pricing (Go, when it was built),
 * payments (Java, when java is there and it is built), recommendations (Python, when python3 is there and it is
 * installed), gateway.
 *
 *   node dist/start-all.js [--base-port 7070]
 *
 * Ctrl+C / SIGTERM stops them front to back: gateway and orders first (no new work), then fulfilment once it has
 * drained the queue, then inventory and the queue. Every service flushes its spans before it exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { javaPaymentsCommand, type ExternalCommand } from './lib/javaPayments';
import { pythonRecommendationsCommand } from './lib/pythonRecommendations';

interface ServiceSpec {
  readonly name: string;
  readonly file: string;
  /** Offset from the base port, or undefined for the worker without an HTTP port. */
  readonly portOffset?: number;
  /** A service in another language: its command instead of a file of ours. */
  readonly external?: ExternalCommand;
}

const START_ORDER: readonly ServiceSpec[] = [
  { name: 'queue', file: 'queue.js', portOffset: 3 },
  { name: 'inventory', file: 'inventory.js', portOffset: 2 },
  { name: 'orders', file: 'orders.js', portOffset: 1 },
  { name: 'fulfilment', file: 'fulfilment.js' },
  { name: 'gateway', file: 'gateway.js', portOffset: 0 },
];
const STOP_ORDER = ['gateway', 'payments', 'recommendations', 'orders', 'fulfilment', 'pricing', 'inventory', 'queue'];

/** START_ORDER plus the services in other languages whose toolchain is here, each before the gateway; says which it skipped. */
function startOrder(): ServiceSpec[] {
  const order = [...START_ORDER];
  // SHOP_LANGUAGES=node runs the Node services only (tests whose exporter settings only the Node SDK reads).
  if (process.env['SHOP_LANGUAGES'] === 'node') {
    console.log('start-all: skipping pricing (Go), payments (Java) and recommendations (Python): SHOP_LANGUAGES=node');
    return order;
  }
  // The Go pricing service is a native binary beside this file (scripts/samples/go.mjs builds it when Go is there).
  const pricing = path.join(__dirname, process.platform === 'win32' ? 'pricing.exe' : 'pricing');
  if (!fs.existsSync(pricing)) console.log('start-all: skipping pricing (Go): not built (install Go, then npm run build:sample)');
  else order.splice(order.length - 1, 0, { name: 'pricing', file: '', portOffset: 5, external: { command: pricing, args: [], env: {} } });
  const payments = javaPaymentsCommand(path.join(__dirname, '..'));
  if ('skip' in payments) console.log(`start-all: skipping payments (Java): ${payments.skip}`);
  else order.splice(order.length - 1, 0, { name: 'payments', file: '', portOffset: 6, external: payments });
  const recommendations = pythonRecommendationsCommand(path.join(__dirname, '..'));
  if ('skip' in recommendations) console.log(`start-all: skipping recommendations (Python): ${recommendations.skip}`);
  else order.splice(order.length - 1, 0, { name: 'recommendations', file: '', portOffset: 8, external: recommendations });
  return order;
}

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
  const order = startOrder();
  const paymentsOn = order.some((s) => s.name === 'payments') ? 'on' : 'off';
  const pricingOn = order.some((s) => s.name === 'pricing') ? 'on' : 'off';
  const recommendationsOn = order.some((s) => s.name === 'recommendations') ? 'on' : 'off';
  for (const spec of order) {
    const [command, args] = spec.external ? [spec.external.command, [...spec.external.args]] : [process.execPath, [path.join(__dirname, spec.file)]];
    const child = spawn(command, args, {
      env: { ...process.env, ...spec.external?.env, OTEL_SERVICE_NAME: spec.name, SHOP_BASE_PORT: String(base), SHOP_PAYMENTS: paymentsOn, SHOP_PRICING: pricingOn, SHOP_RECOMMENDATIONS: recommendationsOn },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.set(spec.name, child);
    child.once('exit', (code, signal) => {
      if (!stopping) {
        console.error(`start-all: ${spec.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the shop`);
        void stopAll(1);
      }
    });
    // The JVM and its agent take a few seconds more to start (a Go binary far less, but the same limit does no harm).
    if (spec.portOffset !== undefined) await waitForHealth(spec.name, base + spec.portOffset, spec.external ? 90_000 : 20_000);
  }
  const endpoint = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? 'http://localhost:4318';
  console.log(`start-all: the shop is up at http://127.0.0.1:${base} (exporting traces to ${endpoint})`);
  console.log(`start-all: try  node ${path.join(path.relative(process.cwd(), __dirname) || '.', 'load.js')} --duration 30s --rps 20`);
}

main().catch((e: unknown) => {
  console.error(`start-all: ${e instanceof Error ? e.message : String(e)}`);
  void stopAll(1);
});
