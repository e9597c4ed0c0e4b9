// The shop's Go pricing and Python recommendations services run under their real SDKs for the VS Code suites: built
// (npm run build:sample), started exporting OTLP/HTTP to a given endpoint, put under a bounded load, stopped (which
// flushes), and read back from what each SDK itself recorded (SHOP_SPAN_COUNTS_DIR: a span processor beside the
// exporter writes every ended span). Also copies their sources into the workspace and checks lens titles against them.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { repoRoot } from '../../support/fixtures';
import { errorText, figuresText } from './lensFigures';
import { freePort } from './shop';
import { waitFor } from './wait';

const shop = (): string => path.join(repoRoot(), 'samples', 'shop');
const pricingBinary = (): string => path.join(shop(), 'dist', process.platform === 'win32' ? 'pricing.exe' : 'pricing');
const python = (): string => path.join(repoRoot(), '.spanlens-cache', 'samples', 'python-recommendations', 'bin', 'python');

export interface RecordedSpan {
  readonly name: string;
  readonly durationNs: number;
  readonly error: boolean;
}

interface Service {
  readonly process: ChildProcess;
  readonly base: string;
  log: string;
}

async function startService(command: string, args: string[], env: NodeJS.ProcessEnv, ready: string): Promise<Service> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const service: Service = { process: child, base: '', log: '' };
  child.stdout!.on('data', (d: Buffer) => (service.log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (service.log += d.toString()));
  await waitFor(() => service.log.includes(ready) || child.exitCode !== null, `${command} starting`, 60_000);
  assert.equal(child.exitCode, null, `${command} exited: ${service.log.slice(-800)}`);
  return service;
}

/** SIGTERM flushes the exporter and writes the recorded spans; resolves once the process is gone. */
async function stop(service: Service | undefined): Promise<void> {
  if (!service || service.process.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => service.process.once('exit', () => resolve()));
  service.process.kill('SIGTERM');
  await exited;
}

async function request(url: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  return res.status;
}

/** True when both are built; else says what is missing (a failure under CI=true). */
export function goAndPythonBuilt(): { ok: true } | { ok: false; missing: string } {
  const missing = [pricingBinary(), python()].filter((p) => !fs.existsSync(p));
  if (missing.length === 0) return { ok: true };
  if (process.env['CI'] === 'true') throw new Error(`the Go and Python samples are not built (${missing.join(', ')}): npm run build:sample needs go and python3`);
  return { ok: false, missing: `not built: ${missing.join(', ')}; npm run build:sample builds them when go and python3 are there` };
}

/**
 * Runs both services exporting to `otlpEndpoint` under a bounded load and returns the spans each SDK recorded, by
 * service. Every fifth price lookup recomputes the table (the slow path); every fifth quote names an unknown SKU (an
 * error span, 422).
 */
export async function runGoAndPython(otlpEndpoint: string, resource?: string): Promise<Map<string, RecordedSpan[]>> {
  const countsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-polyglot-counts-'));
  let pricing: Service | undefined;
  let recommendations: Service | undefined;
  const recorded = new Map<string, RecordedSpan[]>();
  try {
    const common = {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
      ...(resource ? { OTEL_RESOURCE_ATTRIBUTES: resource } : {}),
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      SHOP_SPAN_COUNTS_DIR: countsDir,
    };
    const pricingPort = await freePort();
    pricing = await startService(pricingBinary(), [], { ...common, OTEL_SERVICE_NAME: 'pricing', PRICING_PORT: String(pricingPort) }, '[pricing] listening on');
    const recommendationsPort = await freePort();
    recommendations = await startService(
      python(),
      [path.join(shop(), 'python', 'recommendations', 'app.py')],
      { ...common, OTEL_SERVICE_NAME: 'recommendations', RECOMMENDATIONS_PORT: String(recommendationsPort), PYTHONUNBUFFERED: '1' },
      'recommendations listening on',
    );

    // A bounded load on loopback. Every fifth price lookup recomputes the table (the slow path); every fifth quote
    // names an unknown SKU (an error span, 422).
    const prices = `http://127.0.0.1:${pricingPort}`;
    for (let i = 0; i < 15; i++) assert.equal(await request(`${prices}/prices`), 200);
    for (let i = 0; i < 10; i++) {
      const body = JSON.stringify(i % 5 === 4 ? [{ sku: 'NOPE-9', quantity: 1 }] : [{ sku: 'MUG-1', quantity: i + 1 }]);
      assert.equal(await request(`${prices}/quote`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }), i % 5 === 4 ? 422 : 200);
    }
    const recs = `http://127.0.0.1:${recommendationsPort}`;
    for (let i = 0; i < 16; i++) assert.equal(await request(`${recs}/recommendations/${['MUG-1', 'TEE-2', 'CAP-3', 'PIN-4'][i % 4]}`), 200);
    for (let i = 0; i < 3; i++) assert.equal(await request(`${recs}/recommendations/digest`), 200);
    await stop(pricing);
    await stop(recommendations);

    for (const service of ['pricing', 'recommendations']) {
      const file = path.join(countsDir, `${service}.json`);
      assert.ok(fs.existsSync(file), `${service} wrote the spans it recorded (${file})`);
      const body = JSON.parse(fs.readFileSync(file, 'utf8')) as { service: string; spans: RecordedSpan[] };
      assert.equal(body.service, service);
      recorded.set(service, body.spans);
    }
    return recorded;
  } finally {
    pricing?.process.kill('SIGKILL');
    recommendations?.process.kill('SIGKILL');
    fs.rmSync(countsDir, { recursive: true, force: true });
  }
}

/** Copies the two services' sources (and the files naming their services) into `folder`. */
export function copyGoAndPython(folder: string): { goCopy: string; pyCopy: string } {
  const goCopy = path.join(folder, 'pricing-go');
  const pyCopy = path.join(folder, 'recommendations-py');
  fs.mkdirSync(goCopy, { recursive: true });
  fs.mkdirSync(pyCopy, { recursive: true });
  for (const f of ['main.go', 'tracing.go', 'go.mod']) fs.copyFileSync(path.join(shop(), 'go', 'pricing', f), path.join(goCopy, f));
  for (const f of ['app.py', 'pyproject.toml']) fs.copyFileSync(path.join(shop(), 'python', 'recommendations', f), path.join(pyCopy, f));
  return { goCopy, pyCopy };
}

export async function lensTitles(file: string): Promise<string[]> {
  const uri = vscode.Uri.file(file);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  return lenses.map((l) => l.command?.title ?? '(unresolved)');
}

/** A lens on `file` shows the figures and error rate of the spans `recorded` has for `names`. */
export async function expectLens(recorded: ReadonlyMap<string, readonly RecordedSpan[]>, service: string, file: string, names: RegExp): Promise<void> {
  const spans = (recorded.get(service) ?? []).filter((s) => names.test(s.name));
  assert.ok(spans.length > 0, `${service} recorded spans for ${names}: ${[...new Set((recorded.get(service) ?? []).map((s) => s.name))].join(', ')}`);
  const title = figuresText(spans.map((s) => s.durationNs / 1e6));
  let titles: string[] = [];
  await waitFor(async () => (titles = await lensTitles(file)).some((t) => t.includes(title)), `${path.basename(file)}: a lens showing "${title}"`, 30_000).catch(() =>
    assert.fail(`${path.basename(file)}: no lens shows "${title}" for ${names}; lenses: ${titles.join(' | ')}`),
  );
  const match = titles.find((t) => t.includes(title))!;
  const errors = errorText(spans.filter((s) => s.error).length, spans.length);
  assert.ok(match.includes(errors), `${path.basename(file)}: "${match}" should say ${errors}`);
}
