// Runs the sample shop against the extension's built-in receiver and sends it a counted load (what the end-to-end
// tests start from). Each caller gets its own ports; the shop is stopped, so every span is flushed, before it returns.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../support/fixtures';
import { waitFor } from './wait';

export const shopDir = (): string => path.join(repoRoot(), 'samples', 'shop');

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A base port with the next three free too (the shop listens on base..base+3). */
async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const ok = await Promise.all([0, 1, 2, 3, 5, 6, 8].map((i) => canListen(base + i)));
    if (ok.every(Boolean)) return base;
  }
  throw new Error('no four consecutive free ports');
}

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited ${code}: ${err || out}`))));
  });
}

export interface ShopRun {
  /** load.js --json's report. */
  readonly load: { readonly sent: number; readonly unexpected: number; readonly byKind: Readonly<Record<string, number>> };
  /** Spans each service says it exported, by name. */
  readonly exported: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/** Starts the shop exporting to `otlpEndpoint`, sends `requests` requests, stops the shop. */
export async function runShopLoad(otlpEndpoint: string, requests: number): Promise<ShopRun> {
  const dist = path.join(shopDir(), 'dist', 'start-all.js');
  assert.ok(fs.existsSync(dist), `build the sample first (npm run build:sample): ${dist} is missing`);
  const base = await freeBasePort();
  const countsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-counts-'));
  const shop = spawn(process.execPath, [dist, '--base-port', String(base)], {
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint, OTEL_BSP_SCHEDULE_DELAY: '300', SHOP_SPAN_COUNTS_DIR: countsDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let log = '';
    shop.stdout.on('data', (d: Buffer) => (log += d.toString()));
    shop.stderr.on('data', (d: Buffer) => (log += d.toString()));
    await waitFor(() => log.includes('the shop is up'), `the shop starting (log: ${log.slice(-500)})`, 60_000);
    const load = JSON.parse(await run([path.join(shopDir(), 'dist', 'load.js'), '--requests', String(requests), '--json', '--target', `http://127.0.0.1:${base}`])) as ShopRun['load'];
    const exitedShop = new Promise<void>((resolve) => shop.once('exit', () => resolve()));
    shop.kill('SIGTERM');
    await exitedShop;
    const exported = new Map<string, Map<string, number>>();
    for (const file of fs.readdirSync(countsDir)) {
      const { service, counts } = JSON.parse(fs.readFileSync(path.join(countsDir, file), 'utf8')) as { service: string; counts: Record<string, number> };
      exported.set(service, new Map(Object.entries(counts)));
    }
    return { load, exported };
  } finally {
    if (shop.exitCode === null) shop.kill('SIGKILL');
    fs.rmSync(countsDir, { recursive: true, force: true });
  }
}
