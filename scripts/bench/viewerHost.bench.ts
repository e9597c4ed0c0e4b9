// Opening a 100,000-span trace in the trace viewer, host side, in plain Node: the main thread's longest block and
// the time until the payload (and the analysis) is posted to the view, for the host as it was (everything on the main
// thread) and as it is (ViewerPipeline + the viewer worker). The webview post costs what VS Code 1.100's extension
// host does (JSON.stringify with its buffer replacer). Two ways in: a trace already in memory (search results, files,
// the built-in receiver) and one the viewer fetches from Jaeger (restored panels, linked traces, comparisons).
// Run: `npm run bench -- viewerHost`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MessageChannel } from 'node:worker_threads';
import type { Trace } from '../../src/core/model/trace';
import { JaegerSource } from '../../src/core/sources/jaeger/jaegerSource';
import { ViewerWorkerClient } from '../../src/core/export/viewerWorkerClient';
import { ViewerPipeline } from '../../src/core/export/viewerWorkerPipeline';
import type { TraceRequest } from '../../src/core/export/viewerWorkerProtocol';
import { generateTrace } from '../../test/browser/support/generateTrace';
import { inThreadHost, MainThreadProbe, workerHost, type HostRun } from '../../test/unit/viewer/support/viewerHostHarness';
import { median } from './timing';

export const title = 'Trace viewer host: main thread while opening a 100k-span trace (worker vs all on the main thread)';

const SPANS = 100_000;
const SEED = 42;
const ROUNDS = 3;

interface Measured {
  readonly longestBlockMs: number;
  /** The most CPU the main thread itself used within one block (the rest of a block is other processes' time). */
  readonly longestCpuMs: number;
  readonly payloadMs: number;
  readonly analysisMs: number;
}

/** A full collection, so one run's garbage is not collected (on the measured thread) during the next. */
const collect: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

async function probed(run: () => Promise<HostRun>): Promise<Measured> {
  collect();
  const probe = new MainThreadProbe();
  probe.start();
  const r = await run();
  const longestBlockMs = probe.stop();
  return { longestBlockMs, longestCpuMs: probe.longestCpuMs ?? NaN, payloadMs: r.payloadMs, analysisMs: r.analysisMs };
}

function medians(runs: readonly Measured[]): Measured {
  const m = (f: (r: Measured) => number): number => median(runs.map(f));
  return { longestBlockMs: m((r) => r.longestBlockMs), longestCpuMs: m((r) => r.longestCpuMs), payloadMs: m((r) => r.payloadMs), analysisMs: m((r) => r.analysisMs) };
}

const ms = (v: number): string => `${v.toFixed(0)} ms`;
const x = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;

function compareLines(label: string, before: Measured, after: Measured): string[] {
  return [
    `${label}:`,
    `  before (main thread): longest block ${ms(before.longestBlockMs)} (main thread's own CPU in it ${ms(before.longestCpuMs)}); payload posted after ${ms(before.payloadMs)}, analysis after ${ms(before.analysisMs)}`,
    `  after (worker):       longest block ${ms(after.longestBlockMs)} (own CPU in it ${ms(after.longestCpuMs)}; ${x(after.longestBlockMs, before.longestBlockMs)} before's block, ${((after.longestBlockMs / before.analysisMs) * 100).toFixed(1)}% of before's total); ` +
      `payload after ${ms(after.payloadMs)} (${x(after.payloadMs, before.payloadMs)}), analysis after ${ms(after.analysisMs)} (${x(after.analysisMs, before.analysisMs)})`,
  ];
}

/** The package root (the bench runner starts in it; __dirname is not reliable under its loader). */
function findRepo(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'spanlens') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no spanlens package.json above ${from}`);
  }
}

/** dist/viewerWorker.js as the build makes it, from the current source, into a temporary folder. */
function bundleWorker(repo: string): string {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-bench-')), 'viewerWorker.js');
  const r = spawnSync(path.join(repo, 'node_modules', '.bin', 'esbuild'), ['src/core/export/viewerWorker.ts', '--bundle', '--platform=node', '--format=cjs', '--target=node20', '--external:vscode', `--outfile=${out}`, '--log-level=error'], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`esbuild failed: ${r.stderr}`);
  return out;
}

function startJaeger(repo: string): Promise<{ child: ChildProcess; url: string; traceId: string }> {
  const file = path.join(repo, 'scripts', 'bench', 'viewerHostJaeger.child.ts');
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', file, String(SPANS), String(SEED)], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve({ child, ...(JSON.parse(line) as { url: string; traceId: string }) });
    });
    child.once('exit', (code) => reject(new Error(`Jaeger child exited with ${code}`)));
  });
}

/** One structured clone of the whole trace, as posting it to a worker in one message would block the thread. */
function wholeCloneMs(trace: Trace): number {
  const channel = new MessageChannel();
  const started = performance.now();
  channel.port1.postMessage(trace);
  const took = performance.now() - started;
  channel.port1.close();
  return took;
}

export async function run(): Promise<string[]> {
  const repo = findRepo(process.cwd());
  const trace = generateTrace({ spans: SPANS, seed: SEED });
  const client = new ViewerWorkerClient({ workerPath: bundleWorker(repo) });
  const pipeline = new ViewerPipeline(client);
  const jaeger = await startJaeger(repo);
  const lines: string[] = [`generated ${SPANS.toLocaleString('en-US')} spans (20 services, 300 operations, ~6,000 distinct service+operation pairs); medians of ${ROUNDS} rounds, before and after alternating`];
  try {
    // Warm both paths (JIT, the worker's start) outside the measured rounds.
    await inThreadHost(trace, 'warm-up');
    await workerHost(pipeline, trace, 'warm-up');

    const inMemory = { before: [] as Measured[], after: [] as Measured[] };
    for (let r = 0; r < ROUNDS; r++) {
      inMemory.before.push(await probed(() => inThreadHost(trace, 'bench')));
      inMemory.after.push(await probed(() => workerHost(pipeline, trace, 'bench')));
    }
    lines.push(...compareLines('trace in memory on the host (search result, trace file, built-in receiver)', medians(inMemory.before), medians(inMemory.after)));

    const loads: number[] = [];
    const loadCpus: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      collect();
      const probe = new MainThreadProbe();
      probe.start();
      const loaded = await client.load(trace);
      loads.push(probe.stop());
      loadCpus.push(probe.longestCpuMs ?? NaN);
      client.release(loaded.handle);
    }
    const clones = Array.from({ length: ROUNDS }, () => wholeCloneMs(trace));
    lines.push(`  of which sending it to the worker in slices: longest block ${ms(median(loads))} (own CPU ${ms(median(loadCpus))}); one structured clone of the whole trace would block ${ms(median(clones))}`);

    const options = { baseUrl: jaeger.url, timeoutMs: 120_000 };
    const request: TraceRequest = { kind: 'jaeger', traceId: jaeger.traceId, options };
    const fetched = { before: [] as Measured[], after: [] as Measured[] };
    for (let r = 0; r < ROUNDS; r++) {
      fetched.before.push(
        await probed(async () => {
          const started = performance.now();
          const t = await new JaegerSource(options).getTrace(jaeger.traceId);
          const fetchMs = performance.now() - started;
          const host = await inThreadHost(t, 'bench');
          return { ...host, payloadMs: host.payloadMs + fetchMs, analysisMs: host.analysisMs + fetchMs };
        }),
      );
      fetched.after.push(await probed(() => workerHost(pipeline, request, 'bench')));
    }
    lines.push(...compareLines('trace fetched from Jaeger by the viewer (restored panel, linked trace, comparison); times include the fetch', medians(fetched.before), medians(fetched.after)));
  } finally {
    client.dispose();
    jaeger.child.stdin!.end();
  }
  lines.push(
    `Machine load average during the run: ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} on ${os.cpus().length} cores. A block is wall-clock time between two turns of the event loop; ` +
      "'own CPU' is what the main thread itself ran in the worst one (from /proc, ±10 ms): the difference is time the OS gave to other processes and threads.",
  );
  return lines;
}
