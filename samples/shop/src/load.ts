/**
 * Load generator for the shop (loopback only).
 *
 *   node dist/load.js --duration 30s --rps 20 [--target http://127.0.0.1:7070]
 *   node dist/load.js --requests 50 [--concurrency 4] [--json]
 *
 * Requests follow a fixed cycle of ten: 5× GET /products, 3× POST /checkout (5 items: the N+1 path),
 * 1× POST /checkout with a discontinued SKU (the failing path), 1× GET /report (the slow path).
 * With --requests N it sends exactly N requests and reports, per service, how many spans of each manually
 * instrumented name the shop must have produced.
 */
import { DISCONTINUED_SKU } from './lib/config';

type Kind = 'products' | 'checkout' | 'checkout-fail' | 'report';
const CYCLE: readonly Kind[] = ['products', 'checkout', 'products', 'checkout', 'products', 'checkout-fail', 'products', 'checkout', 'report', 'products'];
// Five items: the orders service reserves them one call at a time, an N+1 that trace analysis flags (≥ 5 calls).
const CHECKOUT_ITEMS = [
  { sku: 'MUG-1', quantity: 1 },
  { sku: 'TEE-2', quantity: 2 },
  { sku: 'CAP-3', quantity: 1 },
  { sku: 'PIN-4', quantity: 3 },
  { sku: 'MUG-1', quantity: 1 },
];

function kindOf(i: number): Kind {
  return CYCLE[i % CYCLE.length]!;
}

/** The spans each kind of request makes the shop produce, by service and manual span name. */
const MANUAL_SPANS: Readonly<Record<Kind, Readonly<Record<string, Readonly<Record<string, number>>>>>> = {
  products: { gateway: { 'catalog.list': 1 }, inventory: { 'inventory.lookup': 1 } },
  checkout: {
    gateway: { 'checkout.submit': 1 },
    orders: { 'orders.create': 1, 'orders.validate': 1, 'orders.publish': 1 },
    inventory: { 'inventory.reserve': CHECKOUT_ITEMS.length },
    fulfilment: { 'fulfilment.process': 1, 'shipping.schedule': 1 },
  },
  'checkout-fail': { gateway: { 'checkout.submit': 1 }, orders: { 'orders.create': 1, 'orders.validate': 1 } },
  report: { orders: { 'orders.report': 1, 'orders.aggregate': 1 } },
};

const EXPECTED_STATUS: Readonly<Record<Kind, number>> = { products: 200, checkout: 201, 'checkout-fail': 422, report: 200 };

interface Options {
  readonly target: URL;
  readonly requests?: number;
  readonly durationMs?: number;
  /** Undefined: as fast as `concurrency` allows (the default with --requests). */
  readonly rps?: number;
  readonly concurrency: number;
  readonly json: boolean;
}

function fail(message: string): never {
  console.error(`load: ${message}`);
  process.exit(2);
}

function parseDurationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text);
  if (!m) fail(`--duration takes a duration such as 30s, 2m or 500ms, not '${text}'`);
  const factor = m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000;
  return Number(m[1]) * factor;
}

function parseOptions(argv: readonly string[]): Options {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') flags.set('--json', 'true');
    else if (['--target', '--requests', '--duration', '--rps', '--concurrency'].includes(arg)) flags.set(arg, argv[++i] ?? fail(`${arg} needs a value`));
    else fail(`unknown option ${arg}`);
  }
  const target = new URL(flags.get('--target') ?? `http://127.0.0.1:${process.env['SHOP_BASE_PORT'] ?? '7070'}`);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) fail(`--target must be on this machine (127.0.0.1 or localhost), not ${target.hostname}`);
  const int = (name: string, fallback: number, max: number): number => {
    const text = flags.get(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) fail(`${name} must be a whole number from 1 to ${max}`);
    return n;
  };
  const requests = flags.has('--requests') ? int('--requests', 1, 1_000_000) : undefined;
  const durationMs = flags.has('--duration') ? parseDurationMs(flags.get('--duration')!) : undefined;
  if (requests !== undefined && durationMs !== undefined) fail('give either --requests or --duration, not both');
  if (durationMs !== undefined && durationMs > 3_600_000) fail('--duration is at most 60m');
  return {
    target,
    ...(requests !== undefined ? { requests } : {}),
    ...(durationMs !== undefined || requests === undefined ? { durationMs: durationMs ?? 30_000 } : {}),
    ...(flags.has('--rps') || requests === undefined ? { rps: int('--rps', 20, 1000) } : {}),
    concurrency: int('--concurrency', requests !== undefined ? 4 : 32, 256),
    json: flags.has('--json'),
  };
}

interface Result {
  readonly kind: Kind;
  readonly status: number;
  readonly ms: number;
  readonly error?: string;
}

async function send(target: URL, kind: Kind): Promise<Result> {
  const started = performance.now();
  const url = (p: string): string => new URL(p, target).toString();
  const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  try {
    const init: RequestInit =
      kind === 'checkout' ? post({ items: CHECKOUT_ITEMS }) : kind === 'checkout-fail' ? post({ items: [{ sku: 'MUG-1', quantity: 1 }, { sku: DISCONTINUED_SKU, quantity: 1 }] }) : {};
    const path = kind === 'products' ? '/products' : kind === 'report' ? '/report' : '/checkout';
    const res = await fetch(url(path), { ...init, signal: AbortSignal.timeout(15_000) });
    await res.arrayBuffer();
    return { kind, status: res.status, ms: performance.now() - started };
  } catch (e) {
    return { kind, status: 0, ms: performance.now() - started, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Sends `requests` requests (or until the duration is up), at most `rps` per second and `concurrency` at once. */
async function run(options: Options): Promise<Result[]> {
  const results: Result[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  const deadline = options.durationMs !== undefined ? started + options.durationMs : Infinity;
  const interval = options.rps === undefined ? 0 : 1000 / options.rps;
  for (let i = 0; options.requests === undefined || i < options.requests; i++) {
    if (Date.now() >= deadline) break;
    const due = started + i * interval;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    const p = send(options.target, kindOf(i)).then((r) => {
      results.push(r);
      inFlight.delete(p);
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return results;
}

function expectedManualSpans(results: readonly Result[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of results) {
    for (const [service, names] of Object.entries(MANUAL_SPANS[r.kind])) {
      const bucket = (out[service] ??= {});
      for (const [name, n] of Object.entries(names)) bucket[name] = (bucket[name] ?? 0) + n;
    }
  }
  return out;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const results = await run(options);
  const unexpected = results.filter((r) => r.status !== EXPECTED_STATUS[r.kind]);
  const byKind: Record<string, number> = {};
  for (const r of results) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
  const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
  const report = {
    sent: results.length,
    byKind,
    unexpected: unexpected.length,
    firstUnexpected: unexpected[0] ? `${unexpected[0].kind}: ${unexpected[0].error ?? `HTTP ${unexpected[0].status}`}` : undefined,
    latencyMs: { p50: Math.round(percentile(latencies, 50)), p95: Math.round(percentile(latencies, 95)), max: Math.round(latencies.at(-1) ?? 0) },
    expectedManualSpans: expectedManualSpans(results.filter((r) => r.status === EXPECTED_STATUS[r.kind])),
  };
  if (options.json) {
    console.log(JSON.stringify(report));
  } else {
    console.log(`load: sent ${report.sent} requests (${Object.entries(byKind).map(([k, n]) => `${n} ${k}`).join(', ')})`);
    console.log(`load: latency p50 ${report.latencyMs.p50} ms, p95 ${report.latencyMs.p95} ms, max ${report.latencyMs.max} ms`);
    if (unexpected.length) console.log(`load: ${unexpected.length} unexpected answers, first: ${report.firstUnexpected}`);
  }
  process.exitCode = unexpected.length ? 1 : 0;
}

void main();
