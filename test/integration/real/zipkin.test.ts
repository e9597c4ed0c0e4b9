// Span Lens in real VS Code with the real Zipkin 3.6.1 as its trace source (scripts/run-real-backend-tests.mjs starts
// it): the sample shop exports through @opentelemetry/exporter-zipkin; the user picks "Zipkin…" and gives its URL;
// the status bar, lenses, search (command and QuickPick), the Traces view and the viewer read it back, compared with
// what the test reads from Zipkin's v2 JSON itself.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension';
import type { TraceSummary } from '../../../src/core/sources/traceSource';
import { formatDuration } from '../../../src/shared/viewModelLayout';
import { rawZipkinSpans, realZipkin, type RawZipkinSpan } from '../../support/realBackends';
import { runShop, shopDir } from '../../support/sampleShop';
import { figuresText } from '../support/lensFigures';
import { isWebHost, takeScreenshot, workbenchTexts } from '../support/webHost';
import { collapseRecentResults, searchThroughQuickPick, viewerRows, waitForRow } from '../support/workbenchViews';
import { waitFor } from '../support/wait';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');

describe('real Zipkin 3.6.1 in VS Code: the source, lenses, search, Traces view and viewer', function () {
  this.timeout(240_000);
  const zipkin = realZipkin();
  let api: SpanLensApi;
  let shopRoot: string;
  /** Spans of each shop service in Zipkin, read without Span Lens. */
  const raw = new Map<string, RawZipkinSpan[]>();

  before(async function () {
    if (!zipkin) this.skip();
    api = await vscode.extensions.getExtension<SpanLensApi>('spanlens.spanlens')!.activate();
    await runShop({ protocol: 'zipkin', endpoint: `${zipkin}/api/v2/spans`, requests: 15, resource: { 'spanlens.feed': `vscode-zipkin-${Date.now().toString(36)}` } });
    // Zipkin's collector stores asynchronously: give the last spans a moment.
    await new Promise((r) => setTimeout(r, 1500));
    for (const service of ['gateway', 'orders', 'inventory', 'fulfilment']) raw.set(service, (await rawZipkinSpans(zipkin, service)).filter((s) => s.service === service));
    assert.ok((raw.get('orders') ?? []).length > 0, 'the shop reached Zipkin');

    const folder = vscode.workspace.workspaceFolders![0]!;
    shopRoot = path.join(folder.uri.fsPath, 'real-shop-zipkin');
    fs.mkdirSync(shopRoot, { recursive: true });
    fs.cpSync(path.join(shopDir(), 'src'), path.join(shopRoot, 'src'), { recursive: true });
    fs.copyFileSync(path.join(shopDir(), 'package.json'), path.join(shopRoot, 'package.json'));
    await config().update('lookback', '1h', vscode.ConfigurationTarget.Workspace);
    // As the "Zipkin…" item of Select Trace Source does with the URL typed in.
    await vscode.commands.executeCommand('spanlens.selectTraceSource', { kind: 'url', url: `${zipkin}/` });
  });

  after(async () => {
    for (const key of ['source', 'lookback']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    fs.rmSync(shopRoot, { recursive: true, force: true });
  });

  async function lensesOf(file: string): Promise<vscode.CodeLens[]> {
    const uri = vscode.Uri.file(path.join(shopRoot, 'src', file));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  }

  it('connects, and the status says Zipkin (learned from its API, the URL has no hint)', async () => {
    assert.equal(config().get('source'), zipkin);
    await waitFor(() => api.sources.state.kind === 'connected', 'connected to the real Zipkin', 30_000);
    assert.equal(api.sources.state.description, `Zipkin ${zipkin}`);
    assert.match('detail' in api.sources.state ? api.sources.state.detail : '', /^Zipkin at .*: \d+ services$/);
    if (isWebHost()) {
      const label = `Zipkin ${new URL(zipkin!).host}`;
      let items: string[] = [];
      await waitFor(async () => (items = ((await workbenchTexts('.statusbar-item')) ?? []).flatMap((f) => f.texts)).some((t) => t.includes(label)), `the status bar says "${label}": ${JSON.stringify(items)}`);
    }
  });

  it('shows lenses whose figures equal percentiles computed from the spans Zipkin holds', async () => {
    await vscode.commands.executeCommand('spanlens.refreshLatency');
    const checked: string[] = [];
    for (const [file, service, names] of [
      ['orders.ts', 'orders', ['orders.create', 'orders.validate', 'orders.publish']],
      ['inventory.ts', 'inventory', ['inventory.reserve', 'inventory.lookup']],
    ] as const) {
      for (const name of names) {
        const durations = raw.get(service)!.filter((s) => s.name === name).map((s) => s.duration / 1000);
        assert.ok(durations.length > 0, `${service}/${name} in Zipkin`);
        const title = figuresText(durations);
        let got = '';
        await waitFor(
          async () => {
            const lens = (await lensesOf(file)).find((l) => (l.command?.arguments?.[0] as { spanName?: string } | undefined)?.spanName === name);
            got = lens?.command?.title ?? '';
            return got.includes(title);
          },
          `${name}: "${got}" should show "${title}"`,
          30_000,
        );
        checked.push(name);
      }
    }
    assert.equal(checked.length, 5);
    if (isWebHost()) {
      await waitFor(async () => ((await workbenchTexts('.codelens-decoration')) ?? []).flatMap((f) => f.texts).some((t) => /p50 .* calls/.test(t)), 'lens text drawn');
      await takeScreenshot('real-zipkin-lenses');
    }
  });

  it('searches by operation, duration and errors through the command, as Zipkin\'s JSON says', async () => {
    const orders = raw.get('orders')!;
    const ids = (match: (s: RawZipkinSpan) => boolean): string[] => [...new Set(orders.filter(match).map((s) => s.traceId))].sort();
    const failing = await vscode.commands.executeCommand<TraceSummary[]>('spanlens.searchTraces', { service: 'orders', tags: { error: 'true' }, lookback: '1h', limit: 1000 });
    assert.deepEqual(failing?.map((s) => s.traceId).sort(), ids((s) => 'error' in s.tags));
    assert.ok(failing!.length > 0);
    const creates = orders.filter((s) => s.name === 'orders.create').map((s) => s.duration).sort((a, b) => a - b);
    const median = creates[Math.floor(creates.length / 2)]!;
    const found = await vscode.commands.executeCommand<TraceSummary[]>('spanlens.searchTraces', { service: 'orders', operation: 'orders.create', minDuration: `${median}us`, lookback: '1h', limit: 1000 });
    assert.deepEqual(found?.map((s) => s.traceId).sort(), ids((s) => s.name === 'orders.create' && s.duration >= median));
  });

  it('runs the search QuickPick to a result that opens in the viewer with every span, and the Traces view lists the services', async function () {
    if (!isWebHost()) this.skip();
    const expected = [...new Set(raw.get('orders')!.filter((s) => s.name === 'orders.validate').map((s) => s.traceId))];
    const results = await searchThroughQuickPick('orders', 'orders.validate', 'lookback=1h limit=1000', expected.length);
    assert.deepEqual(results.map((s) => s.traceId).sort(), [...expected].sort());
    const newest = [...results].sort((a, b) => b.startTimeUs - a.startTimeUs)[0]!;
    const spanCount = [...raw.values()].flat().filter((s) => s.traceId === newest.traceId).length;
    await waitFor(
      async () => ((await workbenchTexts('.sl-row-count')) ?? []).flatMap((f) => f.texts).includes(`${spanCount} rows`),
      `the viewer showing the ${spanCount} spans Zipkin holds`,
      30_000,
    );
    await takeScreenshot('real-zipkin-viewer');
    await vscode.commands.executeCommand('spanlens.refreshTracesView');
    await vscode.commands.executeCommand('workbench.view.extension.spanlens');
    const rows = async (): Promise<string[]> => ((await workbenchTexts('.pane-body .monaco-list-row')) ?? []).flatMap((f) => f.texts);
    // A refresh of the view can open the group again: collapse it before each look.
    await waitForRow(rows, 'fulfilment', 'the Traces view lists the shop services from Zipkin', collapseRecentResults);
    await takeScreenshot('real-zipkin-traces-view');
  });

  it('opens a trace by id in the viewer with the spans Zipkin holds', async function () {
    if (!isWebHost()) this.skip();
    // A trace through the most services that still fits the viewer's first screen (at most 15 spans).
    const byTrace = new Map<string, RawZipkinSpan[]>();
    for (const s of [...raw.values()].flat()) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s]);
    const services = (list: RawZipkinSpan[]): number => new Set(list.map((s) => s.service)).size;
    const fitting = [...byTrace.entries()].filter(([, list]) => list.length <= 15).sort((a, b) => services(b[1]) - services(a[1]) || b[1].length - a[1].length);
    assert.ok(fitting.length > 0, 'a shop trace of at most 15 spans');
    const [id, spans] = fitting[0]!;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const opened = await vscode.commands.executeCommand<{ traceId: string; spanCount: number }>('spanlens.openTraceById', id);
    assert.deepEqual(opened, { traceId: id, spanCount: spans.length });
    const expected = spans.map((s) => `${s.service} ${s.name} ${formatDuration(s.duration)}`).sort();
    let shown: string[] | undefined;
    await waitFor(async () => JSON.stringify((shown = await viewerRows(id))) === JSON.stringify(expected), `rows\n  expected ${expected.join(' | ')}\n  shown    ${shown?.join(' | ')}`, 30_000);
  });
});
