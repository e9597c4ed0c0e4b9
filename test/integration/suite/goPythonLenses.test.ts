// The shop's Go pricing service (the OpenTelemetry Go SDK and otelhttp) and Python recommendations service (the
// Python SDK and the Flask instrumentation), built by npm run build:sample, exporting to the extension's built-in
// receiver: the lenses on their .go and .py files show the percentiles computed here, independently, from the spans
// each SDK itself recorded (SHOP_SPAN_COUNTS_DIR: a span processor beside the exporter writes every ended span);
// go-to-source finds the Go and Python functions of their spans.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension';
import type { Span } from '../../../src/core/model/trace';
import { copyGoAndPython, expectLens, goAndPythonBuilt, runGoAndPython, type RecordedSpan } from '../support/goPythonServices';
import { freePort } from '../support/shop';
import { isWebHost, takeScreenshot, workbenchTexts } from '../support/webHost';
import { waitFor } from '../support/wait';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');

describe('Go and Python samples under their SDKs → built-in receiver → lenses', function () {
  this.timeout(240_000);
  let api: SpanLensApi;
  let recorded = new Map<string, RecordedSpan[]>();
  let goCopy: string;
  let pyCopy: string;

  before(async function () {
    const built = goAndPythonBuilt();
    if (!built.ok) {
      console.log(`      (skipped: ${built.missing})`);
      this.skip();
    }
    api = await vscode.extensions.getExtension<SpanLensApi>('spanlens.spanlens')!.activate();
    const receiverPort = await freePort();
    await config().update('receiver.persist', false, vscode.ConfigurationTarget.Workspace);
    await config().update('receiver.port', receiverPort, vscode.ConfigurationTarget.Workspace);
    await config().update('source', 'builtin', vscode.ConfigurationTarget.Workspace);
    await config().update('lookback', '1h', vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.sources.state.kind === 'connected' && api.receiver.endpoint === `http://127.0.0.1:${receiverPort}`, 'built-in receiver listening', 30_000);

    recorded = await runGoAndPython(`http://127.0.0.1:${receiverPort}`);
    const source = await api.sources.source();
    for (const [service, spans] of recorded) {
      await waitFor(async () => {
        const traces = await source.search({ service, startUs: 0, endUs: Date.now() * 1000 + 1e6, limit: 1000 });
        return traces.flatMap((t) => t.spans).filter((s) => s.service === service).length === spans.length;
      }, `the receiver holding all ${spans.length} spans ${service} recorded`, 30_000);
    }

    ({ goCopy, pyCopy } = copyGoAndPython(vscode.workspace.workspaceFolders![0]!.uri.fsPath));
    await vscode.commands.executeCommand('spanlens.refreshLatency');
  });

  after(async () => {
    for (const key of ['source', 'receiver.port', 'receiver.persist', 'lookback']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
  });

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
    await expectLens(recorded, 'pricing', main, /^pricing\.lookup$/);
    await expectLens(recorded, 'pricing', main, /^pricing\.recompute$/);
    // One lens for the spans named after each SKU (fmt.Sprintf("pricing.recompute.%s", sku)).
    await expectLens(recorded, 'pricing', main, /^pricing\.recompute\.[A-Z]+-\d$/);
    await expectLens(recorded, 'pricing', main, /^pricing\.discount$/);
    await expectLens(recorded, 'pricing', main, /^GET \/prices$/);
    await expectLens(recorded, 'pricing', main, /^POST \/quote$/);
    assert.equal((recorded.get('pricing') ?? []).filter((s) => s.name === 'pricing.discount' && s.error).length, 2, 'the unknown SKUs are error spans');
    await screenshotLenses(main, 'go-lenses');
  });

  it('shows on app.py the percentiles of the spans the Python SDK and the Flask instrumentation recorded', async () => {
    const app = path.join(pyCopy, 'app.py');
    await expectLens(recorded, 'recommendations', app, /^recommendations\.load_history$/);
    await expectLens(recorded, 'recommendations', app, /^recommendations\.rank$/);
    await expectLens(recorded, 'recommendations', app, /^recommendations\.digest$/);
    await expectLens(recorded, 'recommendations', app, /^GET \/recommendations\/<sku>$/);
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
