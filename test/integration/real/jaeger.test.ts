// Span Lens in real VS Code against the real Jaeger 2.12.0 (scripts/run-real-backend-tests.mjs starts it and runs
// this folder with --suite real): the sample shop exports to Jaeger over OTLP/HTTP and OTLP/gRPC; lenses, search
// (command and QuickPick), the Traces view and the viewer read it back, and compare with what the test reads from
// Jaeger's v1 JSON itself.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension';
import type { TraceSummary } from '../../../src/core/sources/traceSource';
import { formatDuration } from '../../../src/shared/viewModelLayout';
import { quantile, rawV1Spans, rawV3Durations, rawV3Trace, realJaeger, startApiView, type RawSpan } from '../../support/realBackends';
import { runShop, shopDir } from '../../support/sampleShop';
import { isWebHost, takeScreenshot, workbenchTexts } from '../support/webHost';
import { collapseRecentResults, ms, searchThroughQuickPick, viewerRows, waitForRow } from '../support/workbenchViews';
import { waitFor } from '../support/wait';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');
describe('real Jaeger 2.12 in VS Code: lenses, search, Traces view and viewer', function () {
  this.timeout(240_000);
  const jaeger = realJaeger();
  let api: SpanLensApi;
  let shopRoot: string;
  /** Spans of each service in Jaeger, once each, read without Span Lens. */
  const raw = new Map<string, RawSpan[]>();

  before(async function () {
    if (!jaeger) this.skip();
    api = await vscode.extensions.getExtension<SpanLensApi>('spanlens.spanlens')!.activate();
    const tag = `vscode-${Date.now().toString(36)}`;
    await runShop({ protocol: 'http/protobuf', endpoint: jaeger.otlpHttp, requests: 20, resource: { 'spanlens.feed': `${tag}-http` } });
    await runShop({ protocol: 'grpc', endpoint: jaeger.otlpGrpc, requests: 10, resource: { 'spanlens.feed': `${tag}-grpc` } });
    // The exporters flush at shutdown and Jaeger stores within moments, but on a loaded machine a batch can lag:
    // read until two reads a second apart hold the same spans, through v1 and api/v3 alike.
    const seen = new Map<string, RawSpan>();
    let settledAt = '';
    await waitFor(async () => {
      for (const service of ['gateway', 'orders', 'inventory', 'fulfilment']) {
        for (const s of await rawV1Spans(jaeger.url, service)) seen.set(`${s.traceId}/${s.spanId}`, s);
      }
      const v3 = (await rawV3Durations(jaeger.url, 'orders', 'orders.create')).length;
      const v1 = [...seen.values()].filter((s) => s.service === 'orders' && s.name === 'orders.create').length;
      const now = `${seen.size}/${v1}/${v3}`;
      const stable = now === settledAt && v1 === v3;
      settledAt = now;
      return stable;
    }, 'the spans Jaeger holds to settle', 60_000, 1000);
    for (const s of seen.values()) raw.set(s.service, [...(raw.get(s.service) ?? []), s]);
    assert.ok((raw.get('orders') ?? []).some((s) => s.tags.get('spanlens.feed') === `${tag}-grpc`), 'the gRPC feed arrived');

    const folder = vscode.workspace.workspaceFolders![0]!;
    shopRoot = path.join(folder.uri.fsPath, 'real-shop');
    fs.mkdirSync(shopRoot, { recursive: true });
    fs.cpSync(path.join(shopDir(), 'src'), path.join(shopRoot, 'src'), { recursive: true });
    fs.copyFileSync(path.join(shopDir(), 'package.json'), path.join(shopRoot, 'package.json'));
    await config().update('source', 'jaeger', vscode.ConfigurationTarget.Workspace);
    await config().update('jaeger.url', jaeger.url, vscode.ConfigurationTarget.Workspace);
    await config().update('lookback', '1h', vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.sources.state.kind === 'connected' && api.sources.state.description.includes(jaeger.url), 'connected to the real Jaeger', 30_000);
  });

  after(async () => {
    for (const key of ['source', 'jaeger.url', 'lookback']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
  });

  async function lensesOf(file: string): Promise<vscode.CodeLens[]> {
    const uri = vscode.Uri.file(path.join(shopRoot, 'src', file));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  }

  it('shows lenses whose figures equal percentiles computed from the spans Jaeger holds', async () => {
    await vscode.commands.executeCommand('spanlens.refreshLatency');
    const checked: string[] = [];
    for (const [file, service, names] of [
      ['orders.ts', 'orders', ['orders.create', 'orders.validate', 'orders.publish']],
      ['inventory.ts', 'inventory', ['inventory.reserve', 'inventory.lookup']],
    ] as const) {
      const lenses = await lensesOf(file);
      for (const name of names) {
        const durations = await rawV3Durations(jaeger!.url, service, name);
        assert.equal(durations.length, raw.get(service)!.filter((s) => s.name === name).length, `${name}: v1 and api/v3 hold the same spans`);
        const lens = lenses.find((l) => (l.command?.arguments?.[0] as { spanName?: string } | undefined)?.spanName === name);
        assert.ok(lens, `${file}: no lens for ${name}: ${lenses.map((l) => l.command?.title).join(' | ')}`);
        const title = `p50 ${ms(quantile(durations, 0.5))} · p95 ${ms(quantile(durations, 0.95))} · p99 ${ms(quantile(durations, 0.99))} · ${durations.length} calls`;
        assert.ok(lens.command!.title.includes(title), `${name}: "${lens.command!.title}" should show "${title}"`);
        checked.push(name);
      }
    }
    assert.equal(checked.length, 5);
    if (isWebHost()) {
      await waitFor(async () => ((await workbenchTexts('.codelens-decoration')) ?? []).flatMap((f) => f.texts).some((t) => /p50 .* calls/.test(t)), 'lens text drawn');
      await takeScreenshot('real-jaeger-lenses');
    }
  });

  it('searches with every filter through the command, as the v1 JSON says', async () => {
    const orders = raw.get('orders')!;
    const ids = (match: (s: RawSpan) => boolean): string[] => [...new Set(orders.filter(match).map((s) => s.traceId))].sort();
    const failing = await vscode.commands.executeCommand<TraceSummary[]>('spanlens.searchTraces', { service: 'orders', tags: { error: 'true' }, lookback: '1h', limit: 1000 });
    assert.deepEqual(failing?.map((s) => s.traceId).sort(), ids((s) => s.tags.get('error') === 'true'));
    assert.ok(failing!.length > 0);
    const slow = Math.round(quantile(orders.filter((s) => s.name === 'orders.create').map((s) => s.durationUs), 0.5));
    const found = await vscode.commands.executeCommand<TraceSummary[]>('spanlens.searchTraces', {
      service: 'orders',
      operation: 'orders.create',
      minDuration: `${slow}us`,
      lookback: '1h',
      limit: 1000,
    });
    assert.deepEqual(found?.map((s) => s.traceId).sort(), ids((s) => s.name === 'orders.create' && s.durationUs >= slow));
  });

  it('runs the search QuickPick to a result that opens in the viewer, and the Traces view lists it', async function () {
    if (!isWebHost()) this.skip();
    const expected = [...new Set(raw.get('orders')!.filter((s) => s.name === 'orders.validate').map((s) => s.traceId))];
    const results = await searchThroughQuickPick('orders', 'orders.validate', 'lookback=1h limit=1000', expected.length);
    assert.deepEqual(results.map((s) => s.traceId).sort(), [...expected].sort());
    const newest = [...results].sort((a, b) => b.startTimeUs - a.startTimeUs)[0]!;
    const spanCount = [...raw.values()].flat().filter((s) => s.traceId === newest.traceId).length;
    await waitFor(
      async () => ((await workbenchTexts('.sl-row-count')) ?? []).flatMap((f) => f.texts).includes(`${spanCount} rows`),
      `the viewer showing the ${spanCount} spans Jaeger holds`,
      30_000,
    );
    await takeScreenshot('real-jaeger-viewer');
    await vscode.commands.executeCommand('workbench.view.extension.spanlens');
    const rows = async (): Promise<string[]> => ((await workbenchTexts('.pane-body .monaco-list-row')) ?? []).flatMap((f) => f.texts);
    await waitForRow(rows, 'gateway: POST /checkout', 'the Traces view lists the recent results');
    await waitForRow(rows, 'fulfilment', 'the Traces view lists the shop services', collapseRecentResults);
  });

  /** Points Span Lens at `url` (the real Jaeger or a view of it) and waits until it is connected there. */
  async function useJaegerAt(url: string): Promise<void> {
    await config().update('jaeger.url', url, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.sources.state.kind === 'connected' && api.sources.state.description.includes(url), `connected to ${url}`, 30_000);
  }

  /** A trace of the shop touching the most services that still fits the viewer's first screen (≤ 15 spans). */
  function richTrace(): string {
    const byTrace = new Map<string, RawSpan[]>();
    for (const s of [...raw.values()].flat()) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s]);
    const services = (spans: RawSpan[]): number => new Set(spans.map((s) => s.service)).size;
    const fitting = [...byTrace.entries()].filter(([, spans]) => spans.length <= 15).sort((a, b) => services(b[1]) - services(a[1]) || b[1].length - a[1].length);
    assert.ok(fitting.length > 0, 'a shop trace of at most 15 spans');
    return fitting[0]![0];
  }

  it('opens a real trace by id in the viewer with every span Jaeger holds, over v1 (/api/traces/{id}) and api/v3 (/api/v3/traces/{id})', async function () {
    if (!isWebHost()) this.skip();
    const id = richTrace();
    const v1 = [...raw.values()].flat().filter((s) => s.traceId === id);
    const v3 = await rawV3Trace(jaeger!.url, id);
    assert.equal(v3.length, v1.length, 'v1 and api/v3 hold the same spans');
    const views = [
      // v1 reports whole µs, api/v3 nanoseconds: each view's rows show its own figures.
      { api: 'v1', view: await startApiView(jaeger!.url, 'v1-only'), expected: v1.map((s) => `${s.service} ${s.name} ${formatDuration(s.durationUs)}`).sort(), path: `/api/traces/${id}` },
      { api: 'api/v3', view: await startApiView(jaeger!.url, 'v3-only'), expected: v3.map((s) => `${s.service} ${s.name} ${formatDuration(s.durationUs)}`).sort(), path: `/api/v3/traces/${id}` },
    ];
    try {
      for (const { api: generation, view, expected, path: tracePath } of views) {
        await useJaegerAt(view.url);
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        const opened = await vscode.commands.executeCommand<{ traceId: string; spanCount: number }>('spanlens.openTraceById', id);
        assert.deepEqual(opened, { traceId: id, spanCount: v1.length }, generation);
        let shown: string[] | undefined;
        await waitFor(
          async () => JSON.stringify((shown = await viewerRows(id))) === JSON.stringify(expected),
          `${generation}: the viewer's rows as Jaeger holds them\n  expected ${expected.join(' | ')}\n  shown    ${shown?.join(' | ')}`,
          30_000,
        );
        assert.ok(view.requests.some((r) => r.startsWith(tracePath)), `${generation}: fetched through ${tracePath}: ${view.requests.join(', ')}`);
        await takeScreenshot(`real-jaeger-viewer-${generation.replace('/', '')}`);
      }
    } finally {
      await useJaegerAt(jaeger!.url);
      for (const { view } of views) await view.close();
    }
  });

  describe('over the v1 API only (a Jaeger without api/v3)', () => {
    let v1: Awaited<ReturnType<typeof startApiView>>;

    before(async () => {
      v1 = await startApiView(jaeger!.url, 'v1-only');
      await useJaegerAt(v1.url);
    });

    after(async () => {
      await useJaegerAt(jaeger!.url);
      await v1?.close();
    });

    it('shows lenses whose figures equal percentiles of the whole-µs durations the v1 JSON reports', async () => {
      await vscode.commands.executeCommand('spanlens.refreshLatency');
      const lenses = await lensesOf('orders.ts');
      let checked = 0;
      for (const name of ['orders.create', 'orders.validate', 'orders.publish']) {
        const durations = raw.get('orders')!.filter((s) => s.name === name).map((s) => s.durationUs / 1000);
        const title = `p50 ${ms(quantile(durations, 0.5))} · p95 ${ms(quantile(durations, 0.95))} · p99 ${ms(quantile(durations, 0.99))} · ${durations.length} calls`;
        let got = '';
        await waitFor(
          async () => {
            const lens = (await lensesOf('orders.ts')).find((l) => (l.command?.arguments?.[0] as { spanName?: string } | undefined)?.spanName === name);
            got = lens?.command?.title ?? '';
            return got.includes(title);
          },
          `${name}: "${got}" should show "${title}"`,
          30_000,
        );
        checked++;
      }
      assert.equal(checked, 3, lenses.map((l) => l.command?.title).join(' | '));
      assert.ok(v1.requests.some((r) => r.startsWith('/api/traces?')), `searched through /api/traces: ${v1.requests.slice(-5).join(', ')}`);
    });

    it('searches through /api/traces, as the v1 JSON says, and the Traces view lists the services', async () => {
      const orders = raw.get('orders')!;
      const expected = [...new Set(orders.filter((s) => s.name === 'orders.publish').map((s) => s.traceId))].sort();
      const before = v1.requests.length;
      const found = await vscode.commands.executeCommand<TraceSummary[]>('spanlens.searchTraces', { service: 'orders', operation: 'orders.publish', lookback: '1h', limit: 1000 });
      assert.deepEqual(found?.map((s) => s.traceId).sort(), expected);
      assert.ok(v1.requests.slice(before).some((r) => r.startsWith('/api/traces?')), v1.requests.slice(before).join(', '));
      if (!isWebHost()) return;
      await vscode.commands.executeCommand('spanlens.refreshTracesView');
      await vscode.commands.executeCommand('workbench.view.extension.spanlens');
      const rows = async (): Promise<string[]> => ((await workbenchTexts('.pane-body .monaco-list-row')) ?? []).flatMap((f) => f.texts);
      await waitForRow(rows, 'inventory', 'the Traces view lists the shop services over v1', collapseRecentResults);
    });
  });
});
