// The main job end to end: the sample shop, under the real OpenTelemetry SDK, sends to the extension's built-in
// OTLP receiver; the lenses on the shop's code count exactly the spans the shop produced; the viewer opens a trace.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension';
import type { TraceSummary } from '../../../src/core/sources/traceSource';
import { freePort, runShopLoad, shopDir } from '../support/shop';
import { isWebHost, workbenchTexts } from '../support/webHost';
import { waitFor } from '../support/wait';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');

describe('sample shop → built-in receiver → lenses and viewer', function () {
  this.timeout(240_000);
  let exported: ReadonlyMap<string, ReadonlyMap<string, number>>;

  before(async function () {
    const ext = vscode.extensions.getExtension<SpanLensApi>('spanlens.spanlens')!;
    const api = await ext.activate();
    const receiverPort = await freePort();
    await config().update('receiver.persist', false, vscode.ConfigurationTarget.Workspace);
    await config().update('receiver.port', receiverPort, vscode.ConfigurationTarget.Workspace);
    await config().update('source', 'builtin', vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.sources.state.kind === 'connected' && api.receiver.endpoint === `http://127.0.0.1:${receiverPort}`, 'built-in receiver listening', 30_000);

    // Stopping the shop (runShopLoad does) flushes every service's spans and writes what each exported.
    const run = await runShopLoad(`http://127.0.0.1:${receiverPort}`, 20);
    assert.equal(run.load.sent, 20);
    assert.equal(run.load.unexpected, 0);
    exported = run.exported;
    assert.ok(exported.get('orders')?.get('orders.create'), `orders exported orders.create: ${JSON.stringify([...exported])}`);
    // The receiver has had every span once the store stops growing.
    await waitFor(async () => {
      const s = await (await api.sources.source()).searchSummaries({ service: 'orders', operation: 'orders.create', startUs: 0, endUs: Date.now() * 1000 + 1e6, limit: 1000 });
      return s.length === exported.get('orders')!.get('orders.create');
    }, 'the receiver holding every orders.create span', 30_000);

    const folder = vscode.workspace.workspaceFolders![0]!;
    const target = path.join(folder.uri.fsPath, 'shop');
    fs.mkdirSync(target, { recursive: true });
    fs.cpSync(path.join(shopDir(), 'src'), path.join(target, 'src'), { recursive: true });
    fs.copyFileSync(path.join(shopDir(), 'package.json'), path.join(target, 'package.json'));
    await vscode.commands.executeCommand('spanlens.refreshLatency');
  });

  after(async () => {
    for (const key of ['source', 'receiver.port', 'receiver.persist']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('shows lenses whose call counts equal the spans the shop exported', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!;
    const checked: string[] = [];
    for (const [file, service] of [['orders.ts', 'orders'], ['inventory.ts', 'inventory'], ['gateway.ts', 'gateway']] as const) {
      const uri = vscode.Uri.file(path.join(folder.uri.fsPath, 'shop', 'src', file));
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
      for (const [name, count] of exported.get(service) ?? []) {
        if (!/^(orders|inventory|catalog|checkout)\./.test(name)) continue;
        const lens = lenses.find((l) => (l.command?.arguments?.[0] as { spanName?: string } | undefined)?.spanName === name);
        assert.ok(lens, `${file}: no lens for ${name}; lenses: ${lenses.map((l) => l.command?.title).join(' | ')}`);
        assert.match(lens.command!.title, new RegExp(`· ${count} calls? ·`), `${name} in ${service}: exported ${count}`);
        checked.push(`${service}/${name}=${count}`);
      }
    }
    assert.ok(checked.length >= 6, `lenses checked: ${checked.join(', ')}`);
  });

  it('puts the N+1 that trace analysis finds on the code of the loop', async () => {
    const found = await vscode.commands.executeCommand<TraceSummary[]>('spanlens.searchTraces', { service: 'inventory', operation: 'inventory.reserve', lookback: '1h', limit: 1, open: 'first' });
    assert.ok(found && found.length === 1);
    const orders = vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'shop', 'src', 'orders.ts'));
    let finding: vscode.Diagnostic | undefined;
    await waitFor(() => {
      finding = vscode.languages.getDiagnostics(orders).find((d) => d.code === 'n-plus-one');
      return finding !== undefined;
    }, 'an n-plus-one diagnostic in orders.ts', 30_000);
    assert.match(finding!.message, /^N\+1: 5 calls of POST/);
    const doc = await vscode.workspace.openTextDocument(orders);
    assert.match(doc.lineAt(finding!.range.start.line).text, /orders\.create|app\.post\('\/orders'/);
  });

  it('opens one of the shop traces in the viewer', async function () {
    const found = await vscode.commands.executeCommand<TraceSummary[]>('spanlens.searchTraces', { service: 'gateway', lookback: '1h', limit: 5, open: 'first' });
    assert.ok(found && found.length > 0);
    if (!isWebHost()) return;
    const first = found[0]!;
    await waitFor(
      async () => ((await workbenchTexts('.sl-row-count')) ?? []).flatMap((f) => f.texts).some((t) => t === `${first.spanCount} rows`),
      `${first.spanCount} rows in the viewer`,
      30_000,
    );
  });
});
