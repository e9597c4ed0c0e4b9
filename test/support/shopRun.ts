// Runs the sample shop for real (five processes, the real OpenTelemetry SDK) against an OTLP endpoint, drives it
// with its load generator and stops it gracefully, so that every span it made has been exported. For tests that
// need the shop's traces in a receiver; see test/unit/receiver/shopEndToEnd.test.ts for what those traces hold.
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { repoRoot } from './fixtures';

export const SHOP_DIR = path.join(repoRoot(), 'samples', 'shop');

export interface ShopRunOptions {
  /** OTLP/HTTP endpoint the services export to, e.g. the receiver's `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  readonly requests: number;
  /** Extra environment for the services (e.g. SHOP_VERSION). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ShopRunReport {
  readonly sent: number;
  readonly unexpected: number;
  readonly byKind: Record<string, number>;
  readonly log: string;
}

/** True when the sample's dependencies are installed (`npm --prefix samples/shop ci`). */
export function shopInstalled(): boolean {
  return fs.existsSync(path.join(SHOP_DIR, 'node_modules', '@opentelemetry', 'sdk-node'));
}

/** Starts the shop, sends `requests` requests from the load generator's fixed cycle, stops it (flushing every span). */
export async function runShop(options: ShopRunOptions): Promise<ShopRunReport> {
  await buildShopIfStale();
  const base = await freePortRange(4);
  const shop = spawn(process.execPath, [path.join(SHOP_DIR, 'dist', 'start-all.js'), '--base-port', String(base)], {
    cwd: SHOP_DIR,
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: options.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const exited = new Promise<number | null>((resolve) => shop.once('exit', (code) => resolve(code)));
  shop.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  shop.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  try {
    await waitFor(() => log.includes('the shop is up'), 90_000, () => `the shop did not start:\n${log}`);
    const out = await runNode([path.join(SHOP_DIR, 'dist', 'load.js'), '--target', `http://127.0.0.1:${base}`, '--requests', String(options.requests), '--json']);
    const report = JSON.parse(out) as { sent: number; unexpected: number; byKind: Record<string, number> };
    shop.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) throw new Error(`the shop exited with ${String(code)}:\n${log}`);
    return { ...report, log };
  } finally {
    if (shop.exitCode === null && shop.signalCode === null) shop.kill('SIGKILL');
  }
}

/** Builds the sample with its own TypeScript when dist/ is missing or older than a source file. */
export async function buildShopIfStale(): Promise<void> {
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = path.join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }, 0);
  const built = path.join(SHOP_DIR, 'dist', 'start-all.js');
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= newest(path.join(SHOP_DIR, 'src'))) return;
  await runNode([path.join(SHOP_DIR, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(SHOP_DIR, 'tsconfig.json')]);
}

function runNode(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: SHOP_DIR, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(args[0] ?? '')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number, message: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(message());
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A base port with `count` consecutive free ports after it. */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await isFree(p);
    if (ok) return base;
  }
  throw new Error('no free port range found');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
