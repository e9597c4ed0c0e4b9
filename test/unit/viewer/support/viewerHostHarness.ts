// The trace viewer's host side without VS Code, for tests and the benchmark: the worker bundle built from the
// current source, a probe of the main thread's longest block, a webview post that costs what VS Code's does on the
// extension host, and the host pipeline before (everything on this thread) and after (ViewerPipeline + worker).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as esbuild from 'esbuild';
import type { Span, Trace } from '../../../../src/core/model/trace';
import { analyzeForPayload, buildAnalyzedPayload } from '../../../../src/core/export/payloadAnalysis';
import { buildTracePayload } from '../../../../src/core/export/tracePayload';
import type { ViewerPipeline } from '../../../../src/core/export/viewerWorkerPipeline';
import { operationKey, type FindingsForCode, type LoadedTrace, type TraceRequest } from '../../../../src/core/export/viewerWorkerProtocol';
import { repoRoot } from '../../../support/fixtures';

/** Bundles src/core/export/viewerWorker.ts as the build does (so tests run the current source); returns its path. */
export async function buildViewerWorkerBundle(): Promise<string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-viewer-worker-'));
  await esbuild.build({
    entryPoints: { viewerWorker: path.join(repoRoot(), 'src', 'core', 'export', 'viewerWorker.ts') },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    outdir,
    logLevel: 'warning',
  });
  return path.join(outdir, 'viewerWorker.js');
}

/** CPU time this process's main thread has used, in ms (Linux: /proc, 10 ms ticks); undefined elsewhere. */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, utime and stime are fields 14 and 15 (1-based in proc(5)).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * The longest stretch this thread did not get back to its event loop, from a timer that should fire every
 * `intervalMs`: each gap beyond the interval is time something held the thread. On a shared machine a gap also
 * holds time the OS gave the CPU to other processes; `longestCpuMs` is the most CPU the thread itself used in any
 * one gap (where /proc tells it, to ±10 ms), which is what our code held it for.
 */
export class MainThreadProbe {
  private last = 0;
  private lastCpu: number | undefined;
  private longest = 0;
  private longestCpu = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly intervalMs = 5) {}

  start(): void {
    this.last = performance.now();
    this.lastCpu = mainThreadCpuMs();
    this.longest = 0;
    this.longestCpu = 0;
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Longest block in ms, including the one still running when stopped. */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return this.longest;
  }

  /** The most CPU the thread used within one gap (undefined where it cannot be read). */
  get longestCpuMs(): number | undefined {
    return this.lastCpu === undefined ? undefined : this.longestCpu;
  }

  private sample(): void {
    const now = performance.now();
    const cpu = mainThreadCpuMs();
    this.longest = Math.max(this.longest, now - this.last - this.intervalMs);
    if (cpu !== undefined && this.lastCpu !== undefined) this.longestCpu = Math.max(this.longestCpu, cpu - this.lastCpu);
    this.last = now;
    this.lastCpu = cpu;
  }
}

/**
 * What `webview.postMessage` costs VS Code 1.100's extension host: the message is JSON-stringified with a replacer
 * that takes typed arrays out (extensions declaring engine ≥ 1.57), and the text and buffers are copied into the
 * RPC message. Returns the bytes it would send.
 */
export function vsCodeWebviewPost(message: unknown): number {
  const buffers: ArrayBufferView[] = [];
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof ArrayBuffer) return { $$vscode_array_buffer_reference$$: true, index: buffers.push(new Uint8Array(value)) - 1 };
    if (ArrayBuffer.isView(value)) return { $$vscode_array_buffer_reference$$: true, index: buffers.push(value) - 1 };
    return value;
  });
  const text = new TextEncoder().encode(json);
  let size = text.byteLength;
  for (const b of buffers) size += b.byteLength;
  const wire = new Uint8Array(size);
  wire.set(text, 0);
  let at = text.byteLength;
  for (const b of buffers) {
    wire.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), at);
    at += b.byteLength;
  }
  return wire.byteLength;
}

/** Which operations "map to code" in these runs: a fixed, deterministic subset, answered asynchronously like the locator. */
export async function fakeLocate(span: Pick<Span, 'name'>): Promise<boolean> {
  await Promise.resolve();
  return /\/(users|orders)\//.test(span.name) || span.name.startsWith('HikariProxy');
}

export interface HostRun {
  /** From the start until the trace message was posted. */
  readonly payloadMs: number;
  /** Until the analysis was posted (with the payload for small traces). */
  readonly analysisMs: number;
  readonly postedBytes: number;
  /** What the view got: the payload with its analysis in place, as plain JSON values (worked out when asked, not timed). */
  shown(): unknown;
}

/**
 * The host as it was: the payload built on this thread (without analysis above 10,000 spans), posted as an object,
 * the analysis computed after a turn of the event loop and posted.
 */
export async function inThreadHost(trace: Trace, source: string, analyzeLaterAbove = 10_000): Promise<HostRun> {
  const started = performance.now();
  const representatives = new Map<string, Span>();
  for (const s of trace.spans) if (!representatives.has(operationKey(s))) representatives.set(operationKey(s), s);
  const known = new Set<string>();
  await Promise.all([...representatives].map(async ([key, span]) => (await fakeLocate(span)) && known.add(key)));
  const hasSource = (s: Span): boolean => known.has(operationKey(s));
  let postedBytes = 0;
  if (trace.spans.length <= analyzeLaterAbove) {
    const payload = buildAnalyzedPayload(trace, { source, hasSource });
    postedBytes += vsCodeWebviewPost({ type: 'trace', payload });
    const ms = performance.now() - started;
    return { payloadMs: ms, analysisMs: ms, postedBytes, shown: () => plain(payload) };
  }
  const payload = buildTracePayload(trace, { source, hasSource });
  postedBytes += vsCodeWebviewPost({ type: 'trace', payload });
  const payloadMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 0));
  const analysis = analyzeForPayload(trace, payload);
  postedBytes += vsCodeWebviewPost({ type: 'analysis', traceId: trace.traceId, analysis });
  return { payloadMs, analysisMs: performance.now() - started, postedBytes, shown: () => plain({ ...payload, analysis }) };
}

/** The host as it is: the trace loaded into the worker (posted in slices, or fetched there), bytes posted on. */
export async function workerHost(pipeline: ViewerPipeline, input: Trace | TraceRequest, source: string): Promise<HostRun & { readonly findings: FindingsForCode; readonly loaded: LoadedTrace }> {
  const started = performance.now();
  let payloadMs = 0;
  let analysisMs = 0;
  let postedBytes = 0;
  let payloadBytes: Uint8Array | undefined;
  let analysisBytes: Uint8Array | undefined;
  const loaded = await pipeline.load(input);
  const findings = await pipeline.show(loaded, source, {
    hasSource: ({ span }) => fakeLocate(span),
    payload: (bytes, analyzed) => {
      postedBytes += vsCodeWebviewPost({ type: 'trace', payload: bytes });
      payloadBytes = bytes;
      payloadMs = performance.now() - started;
      if (analyzed) analysisMs = payloadMs;
    },
    analysis: (bytes) => {
      postedBytes += vsCodeWebviewPost({ type: 'analysis', traceId: loaded.traceId, analysis: bytes });
      analysisBytes = bytes;
      analysisMs = performance.now() - started;
    },
  });
  pipeline.release(loaded);
  const shown = (): unknown => {
    const payload = decode(payloadBytes!) as Record<string, unknown>;
    return analysisBytes ? { ...payload, analysis: decode(analysisBytes) } : payload;
  };
  return { payloadMs, analysisMs, postedBytes, shown, findings, loaded };
}

export function decode(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** What a value looks like after a trip through JSON (what the view receives either way). */
export function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
