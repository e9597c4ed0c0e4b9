// Runs the sample shop (samples/shop, the real OpenTelemetry Node SDK) against a trace backend for a fixed number of
// requests, then stops it so every service flushes, and reports what each service exported. Used by the tests
// against real Jaeger and Zipkin (Node and VS Code alike).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './fixtures';

export interface ShopExport {
  /** 'http/protobuf' | 'http/json' | 'grpc' (OTLP), or 'zipkin'. */
  readonly protocol: 'http/protobuf' | 'http/json' | 'grpc' | 'zipkin';
  /** OTLP: the receiver's base URL (e.g. http://127.0.0.1:4318); Zipkin: the spans URL (…/api/v2/spans). */
  readonly endpoint: string;
  readonly requests: number;
  /** Extra resource attributes for every service, to tell runs apart (OTEL_RESOURCE_ATTRIBUTES). */
  readonly resource?: Readonly<Record<string, string>>;
}

export interface ShopRun {
  /** Spans each service ended and exported, by span name. */
  readonly exported: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** load.js's --json report. */
  readonly report: { sent: number; unexpected: number; expectedManualSpans: Record<string, Record<string, number>> };
}

export function shopDir(): string {
  return path.join(repoRoot(), 'samples', 'shop');
}

/**
 * Sends `requests` requests through the shop exporting as asked; resolves after the shop has flushed and exited.
 * A port taken between choosing and listening (other programs share the machine) means another try on other ports.
 */
export async function runShop(options: ShopExport): Promise<ShopRun> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runShopOnce(options);
    } catch (e) {
      if (attempt >= 3 || !(e instanceof Error && /EADDRINUSE/.test(e.message))) throw e;
    }
  }
}

async function runShopOnce(options: ShopExport): Promise<ShopRun> {
  const dist = path.join(shopDir(), 'dist', 'start-all.js');
  if (!fs.existsSync(dist)) throw new Error(`build the sample first (npm run build:sample): ${dist} is missing`);
  const base = await freeBasePort();
  const countsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-counts-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The real-backend suites compare what the Node services' SDK sent (and switch its exporter by environment).
    SHOP_LANGUAGES: 'node',
    OTEL_BSP_SCHEDULE_DELAY: '300',
    SHOP_SPAN_COUNTS_DIR: countsDir,
    ...(options.resource ? { OTEL_RESOURCE_ATTRIBUTES: Object.entries(options.resource).map(([k, v]) => `${k}=${v}`).join(',') } : {}),
  };
  if (options.protocol === 'zipkin') {
    env['OTEL_TRACES_EXPORTER'] = 'zipkin';
    env['OTEL_EXPORTER_ZIPKIN_ENDPOINT'] = options.endpoint;
  } else {
    env['OTEL_EXPORTER_OTLP_ENDPOINT'] = options.endpoint;
    env['OTEL_EXPORTER_OTLP_PROTOCOL'] = options.protocol;
  }
  const shop = spawn(process.execPath, [dist, '--base-port', String(base)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  shop.stdout.on('data', (d: Buffer) => (log += d.toString()));
  shop.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => shop.once('exit', () => resolve()));
  let report: ShopRun['report'];
  try {
    const deadline = Date.now() + 60_000;
    while (!log.includes('the shop is up')) {
      if (shop.exitCode !== null) throw new Error(`the shop exited during start-up: ${log.slice(-800)}`);
      if (Date.now() > deadline) throw new Error(`the shop did not start within 60 s: ${log.slice(-800)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const out = await runNode([path.join(shopDir(), 'dist', 'load.js'), '--requests', String(options.requests), '--json', '--target', `http://127.0.0.1:${base}`]);
    report = JSON.parse(out) as ShopRun['report'];
    shop.kill('SIGTERM');
    await exited;
  } catch (e) {
    shop.kill('SIGKILL');
    throw e;
  }
  const exported = new Map<string, Map<string, number>>();
  for (const file of fs.readdirSync(countsDir)) {
    const { service, counts } = JSON.parse(fs.readFileSync(path.join(countsDir, file), 'utf8')) as { service: string; counts: Record<string, number> };
    exported.set(service, new Map(Object.entries(counts)));
  }
  fs.rmSync(countsDir, { recursive: true, force: true });
  return { exported, report };
}

/** The spans of `service` named `name` the run exported (0 when none). */
export function exportedCount(run: ShopRun, service: string, name: string): number {
  return run.exported.get(service)?.get(name) ?? 0;
}

function runNode(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited ${code}: ${err || out}`))));
  });
}

/** A base port with the next three free too (the shop listens on base..base+3). */
async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const ok = await Promise.all([0, 1, 2, 3].map((i) => canListen(base + i)));
    if (ok.every(Boolean)) return base;
  }
  throw new Error('no four consecutive free ports');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
