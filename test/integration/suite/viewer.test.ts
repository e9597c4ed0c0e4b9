// The trace viewer inside VS Code: a trace opened by id renders its rows in the webview; collapse, find and go to
// source work through the real panel host.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startJaegerTestServer, type JaegerTestServer } from '../../support/jaegerTestServer';
import { repoRoot } from '../../support/fixtures';
import { click, contrastRatio, elementColors, input, isWebHost, takeScreenshot, workbenchTexts, type ElementColors } from '../support/webHost';
import { waitFor } from '../support/wait';
import type { Trace } from '../../../src/core/model/trace';
import { buildTrace, type SpanSpec } from '../../support/traceBuilder';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');

async function texts(selector: string): Promise<string[]> {
  return ((await workbenchTexts(selector)) ?? []).flatMap((f) => f.texts);
}

describe('trace viewer in VS Code', function () {
  this.timeout(120_000);
  let server: JaegerTestServer;
  let trace: Trace;

  before(async function () {
    if (!isWebHost()) this.skip();
    server = await startJaegerTestServer();
    await config().update('source', 'jaeger', vscode.ConfigurationTarget.Workspace);
    await config().update('jaeger.url', server.url, vscode.ConfigurationTarget.Workspace);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const lensRoot = path.join(folder.uri.fsPath, 'lens');
    if (!fs.existsSync(lensRoot)) fs.cpSync(path.join(repoRoot(), 'test', 'fixtures', 'lens-workspace'), lensRoot, { recursive: true });
    // PetClinic, 8 spans over api-gateway and customers-service, two of them HikariProxyPreparedStatement.executeQuery.
    const found = server.traces.find((t) => t.spans.length === 8 && t.spans.filter((s) => s.name === 'HikariProxyPreparedStatement.executeQuery').length === 2);
    assert.ok(found);
    trace = found;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    for (const key of ['source', 'jaeger.url']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    await server?.close();
  });

  it('renders one row per span of a trace opened by id', async () => {
    await vscode.commands.executeCommand('spanlens.openTraceById', trace.traceId);
    await waitFor(async () => (await texts('.sl-row-count')).some((t) => /\b8 rows\b/.test(t)), 'row count 8 in the viewer', 30_000);
    const ops = await texts('.sl-row .sl-op');
    assert.equal(ops.filter((t) => t === 'HikariProxyPreparedStatement.executeQuery').length, 2, ops.join(' | '));
    // Opening it again (here in another of the forms people paste) brings its tab to the front rather than a second one.
    const opened = await vscode.commands.executeCommand<{ traceId: string; spanCount: number }>('spanlens.openTraceById', trace.traceId.toUpperCase());
    assert.deepEqual(opened, { traceId: trace.traceId, spanCount: 8 });
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label.startsWith(`Trace ${trace.traceId.slice(-8)}`));
    assert.equal(tabs.length, 1, tabs.map((t) => t.label).join(' | '));
  });

  it('collapses and expands the tree', async () => {
    // Collapse the root: only it stays visible.
    assert.ok(await click('.sl-row .sl-toggle'));
    await waitFor(async () => (await texts('.sl-row-count')).some((t) => /\b1 rows?\b/.test(t)), 'one row after collapsing the root');
    assert.ok(await click('.sl-row .sl-toggle'));
    await waitFor(async () => (await texts('.sl-row-count')).some((t) => /\b8 rows\b/.test(t)), 'eight rows after expanding');
  });

  it('finds spans and goes to the code that produced them', async () => {
    // Typed into the box itself (focused first), so a webview that takes the focus meanwhile cannot swallow it.
    assert.ok(await input('.sl-find-input', { value: 'executeQuery' }));
    await waitFor(async () => (await texts('.sl-find-count')).some((t) => t.trim() === '1 / 2'), 'two matches for executeQuery');
    await waitFor(async () => (await texts('.sl-go-to-source')).length > 0, 'Go to source offered for the selected span');
    await takeScreenshot('viewer-in-vscode');
    assert.ok(await click('.sl-go-to-source'));
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.fsPath.endsWith(path.join('customers', 'hikari.ts')) === true, 'hikari.ts opened');
    const line = vscode.window.activeTextEditor!.selection.active.line;
    assert.match(vscode.window.activeTextEditor!.document.lineAt(line).text, /executeQuery/);
  });
  it('stays legible in the high-contrast theme', async () => {
    const workbench = vscode.workspace.getConfiguration('workbench');
    await vscode.commands.executeCommand('spanlens.openTraceById', trace.traceId);
    await waitFor(async () => (await texts('.sl-row-count')).some((t) => /\b8 rows\b/.test(t)), 'the viewer in front');
    await workbench.update('colorTheme', 'Default High Contrast', vscode.ConfigurationTarget.Global);
    try {
      const colorsOf = async (selector: string): Promise<ElementColors | undefined> =>
        ((await elementColors(selector)) ?? []).find((f) => f.bodyClass.split(/\s+/).includes('vscode-high-contrast'));
      await waitFor(async () => (await colorsOf('.sl-row .sl-op')) !== undefined, 'the webview switched to high contrast');
      // High-contrast themes are black; text must keep at least the WCAG AAA ratio for normal text (7:1).
      // A selected row, as a person reading a span's details has.
      assert.ok(await input('.sl-find-input', { value: 'executeQuery' }));
      await waitFor(async () => (await colorsOf('.sl-row.is-selected .sl-op')) !== undefined, 'a selected row');
      const selectors = ['.sl-row .sl-op', '.sl-row .sl-dur', '.sl-row.is-selected .sl-op', '.sl-tick-label', '.sl-stat-value', '.sl-chip-name'];
      selectors.push('.sl-trace-id', '.sl-count', '.sl-button.sl-secondary:not(:disabled)', '.sl-button:not(.sl-secondary)', '.sl-find-input', '.sl-tab.is-active');
      selectors.push('.sl-facts dd', '.sl-attr-key');
      for (const selector of selectors) {
        const colors = await colorsOf(selector);
        assert.ok(colors, `${selector} is on screen`);
        const ratio = contrastRatio(colors.color, colors.background);
        assert.ok(ratio >= 7, `${selector}: ${colors.color} on ${colors.background} has contrast ${ratio.toFixed(2)}`);
      }
      await takeScreenshot('viewer-high-contrast');
    } finally {
      await workbench.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('puts the findings of a trace the viewer fetched itself (off the main thread) on the code', async () => {
    // An N+1 under customers-service's executeQuery (hikari.ts): six sequential queries differing only by literals.
    const now = Date.now() * 1000;
    const specs: SpanSpec[] = [
      { id: 'a000000000000001', service: 'customers-service', name: 'HikariProxyPreparedStatement.executeQuery', kind: 'internal', start: now - 60_000_000, duration: 10_000 },
    ];
    for (let i = 0; i < 6; i++) {
      specs.push({
        id: `b00000000000000${i}`,
        parent: 'a000000000000001',
        service: 'customers-service',
        name: 'SELECT pets',
        kind: 'client',
        start: now - 60_000_000 + 100 + i * 120,
        duration: 100,
        attributes: { 'db.system': 'hsqldb', 'db.statement': `SELECT * FROM pets WHERE owner_id = ${i + 1}` },
      });
    }
    const nPlusOne = buildTrace(specs, 'c0ffee00c0ffee00c0ffee00c0ffee00');
    const extra = await startJaegerTestServer({ fixtures: false, traces: [nPlusOne] });
    try {
      await config().update('jaeger.url', extra.url, vscode.ConfigurationTarget.Workspace);
      const opened = await vscode.commands.executeCommand<{ traceId: string; spanCount: number }>('spanlens.openTraceById', nPlusOne.traceId);
      assert.deepEqual(opened, { traceId: nPlusOne.traceId, spanCount: 7 });
      const hikari = vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'lens', 'src', 'customers', 'hikari.ts'));
      let finding: vscode.Diagnostic | undefined;
      await waitFor(() => {
        finding = vscode.languages.getDiagnostics(hikari).find((d) => d.code === 'n-plus-one');
        return finding !== undefined;
      }, 'an n-plus-one diagnostic on hikari.ts', 30_000);
      assert.match(finding!.message, /^N\+1: 6 calls of SELECT pets/);
    } finally {
      await config().update('jaeger.url', server.url, vscode.ConfigurationTarget.Workspace);
      await extra.close();
    }
  });
});
