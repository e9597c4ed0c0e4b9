import { analyzeTrace } from '../../../src/core/analysis/analyzeTrace';
import * as assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { OtlpReceiver } from '../../../src/core/sources/receiver/otlpReceiver';
import type { Span, Trace } from '../../../src/core/model/trace';
import { SpanKind } from '../../../src/core/model/trace';

const SHOP = path.resolve(__dirname, '..', '..', '..', 'samples', 'shop');
const REQUESTS = 30;

/**
 * The sample shop, run for real: five processes with the real OpenTelemetry Node SDK exporting OTLP/protobuf to
 * the built-in receiver, driven by its load generator. Every span the services ended (counted in each process by
 * a span processor beside the exporter) must be in the receiver, and the manual spans must be exactly what the
 * request mix implies.
 */
describe('receiver: end to end with the sample shop and the real OpenTelemetry SDK', function () {
  this.timeout(240_000);
  let receiver: OtlpReceiver | undefined;
  let shop: ChildProcess | undefined;
  let countsDir: string;
  let shopLog = '';

  before(async function () {
    if (!fs.existsSync(path.join(SHOP, 'node_modules', '@opentelemetry', 'sdk-node'))) {
      console.warn(`    (skipped: the sample's dependencies are not installed; run: npm --prefix samples/shop ci)`);
      this.skip();
    }
    await buildShopIfStale();
    countsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-shop-counts-'));
  });

  after(async () => {
    if (shop && shop.exitCode === null) {
      shop.kill('SIGKILL');
    }
    await receiver?.stop();
    if (countsDir) fs.rmSync(countsDir, { recursive: true, force: true });
  });

  it('receives exactly the spans the shop produced, with context carried over HTTP and the queue', async () => {
    receiver = await OtlpReceiver.start({ port: 0 });
    // base..base+3 for the Node services, base+5 for the Go pricing service, base+6 for the Java payments service.
    const base = await freePortRange(7);
    shop = spawn(process.execPath, [path.join(SHOP, 'dist', 'start-all.js'), '--base-port', String(base)], {
      cwd: SHOP,
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        SHOP_SPAN_COUNTS_DIR: countsDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => shop!.once('exit', (code) => resolve(code)));
    shop.stdout!.on('data', (c: Buffer) => (shopLog += c.toString()));
    shop.stderr!.on('data', (c: Buffer) => (shopLog += c.toString()));
    await waitFor(() => shopLog.includes('the shop is up'), 90_000, () => `the shop did not start:\n${shopLog}`);

    const load = await run(process.execPath, [path.join(SHOP, 'dist', 'load.js'), '--target', `http://127.0.0.1:${base}`, '--requests', String(REQUESTS), '--json']);
    const report = JSON.parse(load) as { sent: number; unexpected: number; byKind: Record<string, number>; expectedManualSpans: Record<string, Record<string, number>> };
    assert.equal(report.sent, REQUESTS);
    assert.equal(report.unexpected, 0, load);
    assert.deepEqual(report.byKind, { products: 15, checkout: 9, 'checkout-fail': 3, report: 3 });

    // A graceful stop makes every service flush its BatchSpanProcessor before it exits.
    shop.kill('SIGTERM');
    assert.equal(await exited, 0, shopLog);

    const produced = readProducedCounts(countsDir);
    // The Go pricing service runs when npm run build:sample built it (a Go toolchain was there).
    const goPricing = fs.existsSync(path.join(SHOP, 'dist', process.platform === 'win32' ? 'pricing.exe' : 'pricing'));
    const received = receivedCounts(receiver);
    // The Java payments service runs when start-all found java and its build; the agent writes no counts file, so its
    // spans are checked against what the load implies instead.
    const javaPayments = /start-all: skipping payments/.test(shopLog) ? undefined : received['payments'];
    // The Python recommendations service runs when python3 and its venv are there; it writes its counts as Node and Go do.
    const recommendationsRan = !/start-all: skipping recommendations/.test(shopLog);
    assert.deepEqual(Object.keys(produced).sort(), ['fulfilment', 'gateway', 'inventory', 'orders', ...(goPricing ? ['pricing'] : []), ...(recommendationsRan ? ['recommendations'] : [])].sort());
    const { payments: _payments, recommendations, ...receivedCounted } = received;
    if (recommendationsRan) {
      // One recommendation per product listing (15 in this load), one digest per report (3).
      assert.equal(recommendations?.['recommendations.rank'], 15, JSON.stringify(recommendations));
      assert.equal(recommendations?.['recommendations.digest'], 3, JSON.stringify(recommendations));
    }
    else assert.equal(recommendations, undefined);
    assert.deepEqual({ ...receivedCounted, ...(recommendations ? { recommendations } : {}) }, produced);
    if (javaPayments) {
      assert.equal(javaPayments['payments.authorize'], 9);
      assert.equal(javaPayments['payments.settle'], 3);
    } else assert.equal(_payments, undefined);
    for (const [service, names] of Object.entries(report.expectedManualSpans)) {
      for (const [name, count] of Object.entries(names)) assert.equal(received[service]?.[name], count, `${service} ${name}`);
    }
    const stats = receiver.store.stats();
    assert.equal(stats.spansRejected, 0);
    assert.equal(stats.spansDuplicate, 0);
    assert.equal(stats.spansEvicted, 0);

    const traces = allTraces(receiver);
    // Checkout: gateway → orders → inventory over HTTP, and orders → fulfilment through the queue's message headers.
    const checkout = traces.filter((t) => t.spans.some((s) => s.name === 'shipping.schedule'));
    assert.equal(checkout.length, 9);
    for (const t of checkout) {
      assert.deepEqual([...new Set(t.spans.map((s) => s.service))].sort(), ['fulfilment', 'gateway', 'inventory', 'orders', ...(javaPayments ? ['payments'] : [])]);
      assert.ok(t.spans.every((s) => !s.orphan), 'no span lost its parent');
      assert.equal(t.spans.filter((s) => s.parentSpanId === undefined).length, 1);
      const consumer = one(t, 'fulfilment.process');
      assert.equal(consumer.kind, SpanKind.CONSUMER);
      assert.equal(parentOf(t, consumer).name, 'orders.publish');
      // The N+1: five reservations, one after the other, and trace analysis says so.
      const reserves = t.spans.filter((s) => s.name === 'inventory.reserve').sort((a, b) => a.startTimeUs - b.startTimeUs);
      assert.equal(reserves.length, 5);
      const nPlusOne = analyzeTrace(t).nPlusOne;
      assert.equal(nPlusOne.length, 1, JSON.stringify(nPlusOne));
      assert.equal(nPlusOne[0]!.count, 5);
      assert.equal(nPlusOne[0]!.parentService, 'orders');
      for (let i = 1; i < reserves.length; i++) assert.ok(reserves[i]!.startTimeUs >= reserves[i - 1]!.startTimeUs + reserves[i - 1]!.durationUs);
      assert.equal(t.spans.some((s) => s.name === 'POST /audit'), false, 'the audit call carries no trace context');
    }
    // The audit calls arrive without context: each starts a trace of its own in inventory.
    const audits = traces.filter((t) => t.spans.some((s) => s.name === 'POST /audit'));
    assert.equal(audits.length, 9);
    assert.ok(audits.every((t) => t.spans.every((s) => s.service === 'inventory') && one(t, 'POST /audit').parentSpanId === undefined));
    // The failing path: the discontinued SKU's exception is recorded on orders.validate.
    const failed = traces.filter((t) => t.spans.some((s) => s.name === 'orders.validate' && s.error));
    assert.equal(failed.length, 3);
    for (const t of failed) {
      const validate = one(t, 'orders.validate');
      assert.ok(validate.events.some((e) => e.name === 'exception' && e.attributes.some((a) => a.key === 'exception.message' && a.value === 'SKU BROKEN-1 is discontinued')));
      assert.equal(one(t, 'checkout.submit').error, true);
    }
    // The slow path.
    const reports = traces.filter((t) => t.spans.some((s) => s.name === 'orders.report'));
    assert.equal(reports.length, 3);
    assert.ok(reports.every((t) => one(t, 'orders.report').durationUs >= 120_000));
    // The agent also traces the payments health checks start-all made (each a trace of one GET /health).
    assert.equal(traces.length, REQUESTS + 9 + (javaPayments?.['GET /health'] ?? 0) + (recommendations?.['GET /health'] ?? 0));
    if (goPricing) {
      // Products: the gateway's context reaches the Go service (otelhttp extracts it), whose manual spans nest under
      // its server span; every fifth lookup takes the slow path, four SKUs of 30 ms one after the other.
      const products = traces.filter((t) => t.spans.some((s) => s.name === 'catalog.list'));
      assert.equal(products.length, 15);
      for (const t of products) {
        const lookup = one(t, 'pricing.lookup');
        const server = parentOf(t, lookup);
        assert.equal(server.name, 'GET /prices');
        assert.equal(server.service, 'pricing');
        assert.equal(server.kind, SpanKind.SERVER);
        assert.equal(parentOf(t, server).service, 'gateway');
      }
      const recomputes = products.flatMap((t) => t.spans.filter((s) => s.name === 'pricing.recompute'));
      assert.equal(recomputes.length, 3);
      assert.ok(recomputes.every((r) => r.durationUs >= 120_000));
    }
  });
});

function one(trace: Trace, name: string): Span {
  const matches = trace.spans.filter((s) => s.name === name);
  assert.equal(matches.length, 1, `${name} in trace ${trace.traceId}`);
  return matches[0]!;
}

function parentOf(trace: Trace, span: Span): Span {
  const parent = trace.spans.find((s) => s.spanId === span.parentSpanId);
  assert.ok(parent, `parent of ${span.name}`);
  return parent;
}

function allTraces(receiver: OtlpReceiver): Trace[] {
  return [...receiver.store.spansByTrace()].map((t) => receiver.store.getTrace(t.traceId)!);
}

function receivedCounts(receiver: OtlpReceiver): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const { spans } of receiver.store.spansByTrace()) {
    for (const s of spans) {
      const bucket = (out[s.service] ??= {});
      bucket[s.name] = (bucket[s.name] ?? 0) + 1;
    }
  }
  return sortDeep(out);
}

function readProducedCounts(dir: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const file of fs.readdirSync(dir)) {
    const { service, counts } = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { service: string; counts: Record<string, number> };
    out[service] = counts;
  }
  return sortDeep(out);
}

function sortDeep(counts: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  return Object.fromEntries(
    Object.keys(counts)
      .sort()
      .map((k) => [k, Object.fromEntries(Object.entries(counts[k]!).sort(([a], [b]) => (a < b ? -1 : 1)))]),
  );
}

/** Builds the sample with its own TypeScript when dist/ is missing or older than a source file. */
async function buildShopIfStale(): Promise<void> {
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = path.join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }, 0);
  const built = path.join(SHOP, 'dist', 'start-all.js');
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= newest(path.join(SHOP, 'src'))) return;
  await run(process.execPath, [path.join(SHOP, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(SHOP, 'tsconfig.json')]);
}

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: SHOP, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(args[0] ?? command)} failed: ${error.message}\n${stdout}\n${stderr}`));
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
async function freePortRange(count: number): Promise<number> {
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
