// Built-in OTLP receiver: ingest throughput (spans/s; goal ≥ 50k/s) for protobuf and JSON bodies as the real
// OpenTelemetry exporters write them, in process and over loopback HTTP, and the heap a store keeps per 100k spans
// (measured after full GCs in a child process started with --expose-gc), beside the store's own estimate.
// Baseline in the same run: JSON.parse of the same JSON bodies.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeExportRequest, type OtlpBodyFormat } from '../../src/core/sources/receiver/exportRequest';
import { OtlpReceiver } from '../../src/core/sources/receiver/otlpReceiver';
import { TraceStore } from '../../src/core/sources/receiver/traceStore';
import { exportBatches, jsonBodies, protobufBodies, SPANS_PER_REQUEST } from './receiverData';

export const title = 'Receiver: OTLP ingest throughput and memory';

const REQUESTS = 200;
const ROUNDS = 3;
const HTTP_CLIENTS = 4;
const MEMORY_REQUESTS = 196; // 100,352 spans

function perSecond(spans: number, ms: number): number {
  return spans / (ms / 1000);
}

function fmt(rate: number): string {
  return `${Math.round(rate / 1000)}k spans/s`;
}

/** Best time (of ROUNDS, after a warm-up) to decode, validate, convert and store every body into a fresh store. */
function ingestMs(bodies: readonly Buffer[], format: OtlpBodyFormat): number {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS + 1; r++) {
    const store = new TraceStore({ maxSpans: 10_000_000, maxBytes: Number.MAX_SAFE_INTEGER });
    const t0 = performance.now();
    for (const body of bodies) store.add(decodeExportRequest(body, format, 'bench').traces);
    if (r > 0) times.push(performance.now() - t0); // round 0 warms up
  }
  // The best round: on a shared machine the others measure the neighbours as much as the receiver.
  return Math.min(...times);
}

function jsonParseMs(bodies: readonly Buffer[]): number {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS + 1; r++) {
    const t0 = performance.now();
    for (const body of bodies) JSON.parse(body.toString('utf8'));
    if (r > 0) times.push(performance.now() - t0);
  }
  return Math.min(...times);
}

/** A fresh receiver in this process; a child process posts every export to it. Returns the elapsed ms. */
async function httpIngestMs(format: OtlpBodyFormat): Promise<number> {
  const receiver = await OtlpReceiver.start({ port: 0, limits: { maxSpans: 10_000_000, maxBytes: Number.MAX_SAFE_INTEGER } });
  try {
    const out = await runChild('receiverSender.child.ts', [receiver.tracesUrl, format, String(REQUESTS), String(HTTP_CLIENTS)], []);
    const stored = receiver.store.stats().spans;
    if (stored !== REQUESTS * SPANS_PER_REQUEST) throw new Error(`stored ${stored} spans, sent ${REQUESTS * SPANS_PER_REQUEST}`);
    return (JSON.parse(out) as { ms: number }).ms;
  } finally {
    await receiver.stop();
  }
}

/** Runs a TypeScript file of this folder with node + tsx; resolves with its last stdout line. */
function runChild(file: string, args: readonly string[], nodeFlags: readonly string[]): Promise<string> {
  // Sections are loaded by scripts/bench.mjs (process.argv[1]) through tsx's ESM loader, where __dirname is not the
  // file's folder: find the child beside the runner.
  const runner = process.argv[1] ?? path.join(process.cwd(), 'scripts', 'bench.mjs');
  const child = path.join(path.dirname(runner), 'bench', file);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...nodeFlags, '--require', 'tsx/cjs', child, ...args], { timeout: 300_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file}: ${error.message}\n${stderr}`));
      else resolve(stdout.trim().split('\n').at(-1) ?? '');
    });
  });
}

async function memoryChild(): Promise<{ spans: number; heapBytes: number; estimateBytes: number }> {
  return JSON.parse(await runChild('receiverMemory.child.ts', [String(MEMORY_REQUESTS)], ['--expose-gc'])) as { spans: number; heapBytes: number; estimateBytes: number };
}

export async function run(): Promise<string[]> {
  const batches = exportBatches(REQUESTS);
  const proto = protobufBodies(batches);
  const json = jsonBodies(batches);
  const spans = REQUESTS * SPANS_PER_REQUEST;
  const protoBytes = proto.reduce((n, b) => n + b.length, 0);
  const jsonBytes = json.reduce((n, b) => n + b.length, 0);

  const baselineMs = jsonParseMs(json);
  const protoMs = ingestMs(proto, 'protobuf');
  const jsonMs = ingestMs(json, 'json');
  const httpProtoMs = Math.min(await httpIngestMs('protobuf'), await httpIngestMs('protobuf'));
  const httpJsonMs = Math.min(await httpIngestMs('json'), await httpIngestMs('json'));
  const memory = await memoryChild();
  const perSpan = memory.heapBytes / memory.spans;

  const goal = (rate: number): string => (rate >= 50_000 ? 'meets the 50k/s goal' : 'BELOW the 50k/s goal');
  return [
    `${spans.toLocaleString('en-US')} spans in ${REQUESTS} exports of ${SPANS_PER_REQUEST} (real SDK spans, real exporter serializers; ${Math.round(protoBytes / 1024)} KiB protobuf, ${Math.round(jsonBytes / 1024)} KiB JSON)`,
    `baseline: JSON.parse of the JSON bodies alone: ${fmt(perSecond(spans, baselineMs))} (all figures: best of ${ROUNDS} rounds; HTTP best of 2)`,
    `in process, protobuf: ${fmt(perSecond(spans, protoMs))} (${(protoMs / baselineMs).toFixed(1)}× the JSON.parse baseline) — ${goal(perSecond(spans, protoMs))}`,
    `in process, JSON:     ${fmt(perSecond(spans, jsonMs))} (${(jsonMs / baselineMs).toFixed(1)}× the baseline) — ${goal(perSecond(spans, jsonMs))}`,
    `over loopback HTTP (${HTTP_CLIENTS} keep-alive clients in another process), protobuf: ${fmt(perSecond(spans, httpProtoMs))} — ${goal(perSecond(spans, httpProtoMs))}`,
    `over loopback HTTP (${HTTP_CLIENTS} keep-alive clients in another process), JSON:     ${fmt(perSecond(spans, httpJsonMs))} — ${goal(perSecond(spans, httpJsonMs))}`,
    `memory: ${(memory.heapBytes / 1024 / 1024 / (memory.spans / 100_000)).toFixed(1)} MiB heap per 100k stored spans (${Math.round(perSpan)} bytes/span, measured after GC); ` +
      `the store's estimate says ${Math.round(memory.estimateBytes / memory.spans)} bytes/span (${((memory.estimateBytes / memory.heapBytes) * 100).toFixed(0)}% of measured)`,
  ];
}
