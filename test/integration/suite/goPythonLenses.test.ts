// The shop's Go pricing service (the OpenTelemetry Go SDK and otelhttp) and Python recommendations service (the
// Python SDK and the Flask instrumentation), built by npm run build:sample, exporting to the extension's built-in
// receiver: the lenses on their .go and .py files show the percentiles computed here, independently, from the spans
// each SDK itself recorded (SHOP_SPAN_COUNTS_DIR: a span processor beside the exporter writes every ended span);
// go-to-source finds the Go and Python functions of their spans.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension';
import type { Span } from '../../../src/core/model/trace';
import { repoRoot } from '../../support/fixtures';
import { errorText, figuresText, freePort } from '../support/lensFigures';
import { isWebHost, takeScreenshot, workbenchTexts } from '../support/webHost';
import { waitFor } from '../support/wait';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');
const shop = (): string => path.join(repoRoot(), 'samples', 'shop');
const pricingBinary = (): string => path.join(shop(), 'dist', process.platform === 'win32' ? 'pricing.exe' : 'pricing');
const python = (): string => path.join(repoRoot(), '.spanlens-cache', 'samples', 'python-recommendations', 'bin', 'python');

interface RecordedSpan {
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

describe('Go and Python samples under their SDKs → built-in receiver → lenses', function () {
  this.timeout(240_000);
  let api: SpanLensApi;
  let pricing: Service | undefined;
  let recommendations: Service | undefined;
  const recorded = new Map<string, RecordedSpan[]>();
  let goCopy: string;
  let pyCopy: string;
  const countsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-polyglot-counts-'));

  before(async function () {
    const missing = [pricingBinary(), python()].filter((p) => !fs.existsSync(p));
    if (missing.length > 0) {
      if (process.env['CI'] === 'true') throw new Error(`the Go and Python samples are not built (${missing.join(', ')}): npm run build:sample needs go and python3`);
      console.log(`      (skipped: not built: ${missing.join(', ')}; npm run build:sample builds them when go and python3 are there)`);
      this.skip();
    }
    api = await vscode.extensions.getExtension<SpanLensApi>('spanlens.spanlens')!.activate();
    const receiverPort = await freePort();
    await config().update('receiver.persist', false, vscode.ConfigurationTarget.Workspace);
    await config().update('receiver.port', receiverPort, vscode.ConfigurationTarget.Workspace);
    await config().update('source', 'builtin', vscode.ConfigurationTarget.Workspace);
    await config().update('lookback', '1h', vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.sources.state.kind === 'connected' && api.receiver.endpoint === `http://127.0.0.1:${receiverPort}`, 'built-in receiver listening', 30_000);

    const common = {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}`,
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
    const source = await api.sources.source();
    for (const [service, spans] of recorded) {
      await waitFor(async () => {
        const traces = await source.search({ service, startUs: 0, endUs: Date.now() * 1000 + 1e6, limit: 1000 });
        return traces.flatMap((t) => t.spans).filter((s) => s.service === service).length === spans.length;
      }, `the receiver holding all ${spans.length} spans ${service} recorded`, 30_000);
    }

    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    goCopy = path.join(folder, 'pricing-go');
    pyCopy = path.join(folder, 'recommendations-py');
    fs.mkdirSync(goCopy, { recursive: true });
    fs.mkdirSync(pyCopy, { recursive: true });
    for (const f of ['main.go', 'tracing.go', 'go.mod']) fs.copyFileSync(path.join(shop(), 'go', 'pricing', f), path.join(goCopy, f));
    for (const f of ['app.py', 'pyproject.toml']) fs.copyFileSync(path.join(shop(), 'python', 'recommendations', f), path.join(pyCopy, f));
    await vscode.commands.executeCommand('spanlens.refreshLatency');
  });

  after(async () => {
    pricing?.process.kill('SIGKILL');
    recommendations?.process.kill('SIGKILL');
    fs.rmSync(countsDir, { recursive: true, force: true });
    for (const key of ['source', 'receiver.port', 'receiver.persist', 'lookback']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
  });

  async function lensTitles(file: string): Promise<string[]> {
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
    return lenses.map((l) => l.command?.title ?? '(unresolved)');
  }

  async function expectLens(service: string, file: string, names: RegExp): Promise<void> {
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

  /** The lenses as drawn in the editor, kept for a person to look at. */
  async function screenshotLenses(file: string, name: string): Promise<void> {
    if (!isWebHost()) return;
    // The first lens with figures, scrolled to the top of the editor (the files open on their docstrings).
    const uri = vscode.Uri.file(file);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
    const first = lenses.filter((l) => /p50 /.test(l.command?.title ?? '')).sort((a, b) => a.range.start.line - b.range.start.line)[0];
    if (first) editor.revealRange(first.range, vscode.TextEditorRevealType.AtTop);
    await waitFor(async () => ((await workbenchTexts('.codelens-decoration')) ?? []).flatMap((f) => f.texts).some((t) => /p50 .* calls/.test(t)), 'lens text drawn');
    await takeScreenshot(name);
  }

  it('shows on main.go the percentiles of the spans the Go SDK and otelhttp recorded', async () => {
    const main = path.join(goCopy, 'main.go');
    await expectLens('pricing', main, /^pricing\.lookup$/);
    await expectLens('pricing', main, /^pricing\.recompute$/);
    // One lens for the spans named after each SKU (fmt.Sprintf("pricing.recompute.%s", sku)).
    await expectLens('pricing', main, /^pricing\.recompute\.[A-Z]+-\d$/);
    await expectLens('pricing', main, /^pricing\.discount$/);
    await expectLens('pricing', main, /^GET \/prices$/);
    await expectLens('pricing', main, /^POST \/quote$/);
    assert.equal((recorded.get('pricing') ?? []).filter((s) => s.name === 'pricing.discount' && s.error).length, 2, 'the unknown SKUs are error spans');
    await screenshotLenses(main, 'go-lenses');
  });

  it('shows on app.py the percentiles of the spans the Python SDK and the Flask instrumentation recorded', async () => {
    const app = path.join(pyCopy, 'app.py');
    await expectLens('recommendations', app, /^recommendations\.load_history$/);
    await expectLens('recommendations', app, /^recommendations\.rank$/);
    await expectLens('recommendations', app, /^recommendations\.digest$/);
    await expectLens('recommendations', app, /^GET \/recommendations\/<sku>$/);
    await screenshotLenses(app, 'python-lenses');
  });

  it('goes to the Go and Python source of their spans', async () => {
    const source = await api.sources.source();
    const cases: ReadonlyArray<readonly [string, string, string, string]> = [
      ['pricing', 'pricing.lookup', path.join(goCopy, 'main.go'), 'lookupPrices'],
      ['pricing', 'pricing.discount', path.join(goCopy, 'main.go'), 'discounted'],
      ['recommendations', 'recommendations.rank', path.join(pyCopy, 'app.py'), 'rank'],
      ['recommendations', 'recommendations.load_history', path.join(pyCopy, 'app.py'), 'load_history'],
    ];
    for (const [service, operation, file, functionName] of cases) {
      const [trace] = await source.search({ service, operation, startUs: 0, endUs: Date.now() * 1000 + 1e6, limit: 1 });
      const span = trace?.spans.find((s: Span) => s.service === service && s.name === operation);
      assert.ok(span, `a ${operation} span in the receiver`);
      const location = await api.locator.locate(span);
      assert.ok(location, `go to source of ${operation}`);
      assert.equal(location.uri.fsPath, file, operation);
      assert.match(location.functionName ?? '', new RegExp(`(^|\\.)${functionName}$`), operation);
    }
  });
});
