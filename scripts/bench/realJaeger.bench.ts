// Lenses against the real Jaeger 2.12 (built by scripts/backends.mjs; skipped with one line when it cannot be):
// a workspace of 200 instrumented functions in 10 files, Jaeger holding 20,000 traces of them. Reports the queries
// and bytes until every lens has figures, the time against a floor measured in the same run (the same searches sent
// by plain fetch, bodies read and dropped), and the queries and bytes after one file is edited.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findInstrumentedFunctions } from '../../src/core/code/instrumented/finder';
import type { InstrumentedFunction } from '../../src/core/code/instrumented/types';
import { JaegerSource } from '../../src/core/sources/jaeger/jaegerSource';
import { LatencyProvider } from '../../src/core/stats/latencyProvider';
import { median } from './timing';

export const title = 'Lenses against the real Jaeger 2.12: 200 functions, 20,000 traces';

const SERVICE = 'bench-shop';
const FILES = 10;
const PER_FILE = 20;
const TRACES = 20_000;
const BATCH = 500;

const spanName = (i: number): string => `op.${String(i).padStart(3, '0')}`;

function sourceFile(file: number, renamed?: { index: number; to: string }): string {
  const lines = ["import { trace } from '@opentelemetry/api';", "const tracer = trace.getTracer('bench-shop');", ''];
  for (let j = 0; j < PER_FILE; j++) {
    const i = file * PER_FILE + j;
    const name = renamed?.index === i ? renamed.to : spanName(i);
    lines.push(
      `export async function handler${i}(input: number): Promise<number> {`,
      `  return tracer.startActiveSpan('${name}', async (span) => {`,
      '    try {',
      '      return input * 2;',
      '    } finally {',
      '      span.end();',
      '    }',
      '  });',
      '}',
      '',
    );
  }
  return lines.join('\n');
}

/** OTLP/JSON for traces [from, to): a root span named after its function and a child database call. */
function otlpBatch(from: number, to: number, nowNs: bigint): string {
  const spans: unknown[] = [];
  for (let t = from; t < to; t++) {
    const traceId = (BigInt(t + 1) * 0x9e3779b97f4a7c15n).toString(16).padStart(32, '0').slice(-32);
    const root = (BigInt(t + 1) * 7919n).toString(16).padStart(16, '0').slice(-16);
    const child = (BigInt(t + 1) * 104729n).toString(16).padStart(16, '0').slice(-16);
    // Spread over the last 50 minutes; durations 1–50 ms with a long tail.
    const start = nowNs - BigInt(Math.floor(((t * 7) % 3000) * 1e9));
    const durationNs = BigInt(1_000_000 + ((t * 7919) % 49_000_000) + (t % 97 === 0 ? 200_000_000 : 0));
    spans.push(
      { traceId, spanId: root, name: spanName(t % (FILES * PER_FILE)), kind: 2, startTimeUnixNano: String(start), endTimeUnixNano: String(start + durationNs), status: { code: t % 23 === 0 ? 2 : 0 } },
      { traceId, spanId: child, parentSpanId: root, name: 'db.query', kind: 3, startTimeUnixNano: String(start + 100_000n), endTimeUnixNano: String(start + durationNs / 2n) },
    );
  }
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: SERVICE } }] }, scopeSpans: [{ scope: { name: 'bench' }, spans }] }] });
}

interface Counted {
  readonly url: string;
  queries: number;
  bytes: number;
  close(): Promise<void>;
}

/** A pass-through proxy in front of Jaeger's query port that counts requests and response bytes. */
async function countingProxy(target: string): Promise<Counted> {
  const upstream = new URL(target);
  const counted = { queries: 0, bytes: 0 } as Counted;
  const server = http.createServer((req, res) => {
    counted.queries++;
    if (process.env['BENCH_DEBUG']) console.error(req.url);
    const forward = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.on('data', (chunk: Buffer) => (counted.bytes += chunk.length));
      reply.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(counted, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** What the lens provider asks for each function of a file (its span name and alternatives), four at a time. */
async function lensFigures(provider: LatencyProvider, functions: readonly InstrumentedFunction[]): Promise<number> {
  let withFigures = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < functions.length) {
      const fn = functions[next++]!;
      const stats = await provider.getStats(SERVICE, [fn.spanName, ...fn.alternativeSpanNames]);
      if (stats.count > 0 && stats.p95Ms !== null) withFigures++;
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return withFigures;
}

/** The floor: the same per-operation searches, sent by plain fetch four at a time, bodies read and dropped. */
async function rawSearches(url: string, names: readonly string[], startUs: number, endUs: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const params = new URLSearchParams({
        'query.service_name': SERVICE,
        'query.operation_name': names[next++]!,
        'query.start_time_min': new Date(startUs / 1000).toISOString(),
        'query.start_time_max': new Date(endUs / 1000).toISOString(),
        'query.num_traces': '1000', // 2.12's name (later versions call it search_depth)
      });
      await (await fetch(`${url}/api/v3/traces?${params}`)).text();
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

export async function run(): Promise<string[]> {
  const { BACKENDS } = (await import(pathToFileURL(join(dirname(__filename), '..', 'backends', 'registry.mjs')).href)) as { BACKENDS: Record<string, { install: (o: object) => Promise<{ ok: boolean; missing?: string }>; start: (o: object) => Promise<{ urls: Record<string, string>; stop: () => Promise<void> }> }> };
  const { defaultCacheDir } = (await import(pathToFileURL(join(dirname(__filename), '..', 'backends', 'common.mjs')).href)) as { defaultCacheDir: () => string };
  const cacheDir = defaultCacheDir();
  const installed = await BACKENDS['jaeger']!.install({ cacheDir, log: () => undefined });
  if (!installed.ok) return [`skipped: ${installed.missing}`];
  const logDir = mkdtempSync(join(tmpdir(), 'spanlens-bench-jaeger-'));
  const jaeger = await BACKENDS['jaeger']!.start({ cacheDir, logDir, maxTraces: 50_000 });
  const proxy = await countingProxy(jaeger.urls['query']!);
  try {
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    for (let from = 0; from < TRACES; from += BATCH) {
      const response = await fetch(`${jaeger.urls['otlpHttp']}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpBatch(from, from + BATCH, nowNs) });
      if (!response.ok) throw new Error(`Jaeger refused a batch: HTTP ${response.status} ${await response.text()}`);
    }
    const files = Array.from({ length: FILES }, (_, f) => ({ name: `src/handlers${f}.ts`, text: sourceFile(f) }));
    const functions = files.map((f) => findInstrumentedFunctions(f.text, f.name));
    const all = functions.flat();
    // Jaeger stores asynchronously: wait until the last operation's traces are all searchable.
    const probe = new JaegerSource({ baseUrl: jaeger.urls['query']!, timeoutMs: 30_000 });
    const perOp = TRACES / (FILES * PER_FILE);
    for (let waited = 0; ; waited += 250) {
      const found = await probe.search({ service: SERVICE, operation: spanName(FILES * PER_FILE - 1), startUs: Date.now() * 1000 - 3600e6, endUs: Date.now() * 1000 + 60e6, limit: 1000 });
      if (found.length >= perOp) break;
      if (waited > 60_000) throw new Error(`Jaeger holds ${found.length} of ${perOp} traces of the last operation after 60 s`);
      await new Promise((r) => setTimeout(r, 250));
    }

    let floorBytes = 0;
    const rounds: Array<{ ratio: number; queries: number; bytes: number; withFigures: number }> = [];
    for (let round = 0; round < 3; round++) {
      const endUs = Date.now() * 1000;
      proxy.bytes = 0;
      const t0 = performance.now();
      await rawSearches(proxy.url, all.map((f) => (f.spanName.kind === 'exact' ? f.spanName.name : '')), endUs - 3600e6, endUs);
      const floorMs = performance.now() - t0;
      floorBytes = proxy.bytes;
      proxy.queries = 0;
      proxy.bytes = 0;
      const provider = new LatencyProvider(new JaegerSource({ baseUrl: proxy.url, timeoutMs: 30_000 }), { lookbackMs: 3600_000 });
      const t1 = performance.now();
      const withFigures = await lensFigures(provider, all);
      const lensMs = performance.now() - t1;
      rounds.push({ ratio: lensMs / floorMs, queries: proxy.queries, bytes: proxy.bytes, withFigures });
      if (round < 2) continue;

      // One file edited: a line inserted (every function moves) and one span renamed to a name with no traces yet.
      const edited = sourceFile(3, { index: 3 * PER_FILE + 5, to: 'op.renamed' });
      proxy.queries = 0;
      proxy.bytes = 0;
      const again = await lensFigures(provider, findInstrumentedFunctions(`// edited\n${edited}`, files[3]!.name));
      rounds.push({ ratio: NaN, queries: proxy.queries, bytes: proxy.bytes, withFigures: again });
    }
    const first = rounds.slice(0, 3);
    const edit = rounds[3]!;
    const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    return [
      `workspace: ${all.length} instrumented functions in ${FILES} files; Jaeger holds ${TRACES} traces (${TRACES * 2} spans) of them`,
      `every lens with figures: ${first[0]!.withFigures}/${all.length}; ${first[0]!.queries} queries, ${mb(first[0]!.bytes)} transferred`,
      `time until every lens has figures: ${median(first.map((r) => r.ratio)).toFixed(2)}× the floor (the same ${all.length} searches by plain fetch, ${mb(floorBytes)}, bodies dropped; median of 3)`,
      `after editing one file (a line inserted, one span renamed): ${edit.withFigures}/${PER_FILE} lenses with figures, ${edit.queries} queries, ${mb(edit.bytes)} transferred`,
    ];
  } finally {
    await proxy.close();
    await jaeger.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
}
