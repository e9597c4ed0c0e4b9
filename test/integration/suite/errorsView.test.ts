// Errors where they are thrown, end to end: the sample shop (real OpenTelemetry SDK) fails some checkouts with an
// exception in orders.validate (SKU BROKEN-1); the Errors view counts exactly the failing requests the load sent,
// the diagnostic sits on the throwing line of the TypeScript service, its quick action opens an example trace, the
// lens hover names the group, and the group goes when its traces leave the window.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension';
import type { ErrorGroup } from '../../../src/core/exceptions/errorGroups';
import type { ErrorsNode } from '../../../src/vscode/errors/errorsTree';
import type { OpenedTrace } from '../../../src/vscode/tracePresenter';
import { freePort, runShopLoad, shopDir, type ShopRun } from '../support/shop';
import { isWebHost, workbenchTexts } from '../support/webHost';
import { waitFor } from '../support/wait';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');
const SOURCE = 'Span Lens (errors)';
const TITLE = 'Error: SKU <id> is discontinued';

describe('Errors view, diagnostics and hovers on the sample shop', function () {
  this.timeout(240_000);
  let api: SpanLensApi;
  let shop: ShopRun;
  let failing: number;
  let orders: vscode.Uri;

  const shopGroup = (): ErrorGroup | undefined => api.errors.service.report?.groups.find((g) => g.kind === 'exception' && `${g.type}: ${g.message}` === TITLE);
  const ourDiagnostics = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(orders).filter((d) => d.source === SOURCE);

  before(async function () {
    api = await vscode.extensions.getExtension<SpanLensApi>('spanlens.spanlens')!.activate();
    const receiverPort = await freePort();
    await config().update('receiver.persist', false, vscode.ConfigurationTarget.Workspace);
    await config().update('receiver.port', receiverPort, vscode.ConfigurationTarget.Workspace);
    await config().update('source', 'builtin', vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.sources.state.kind === 'connected' && api.receiver.endpoint === `http://127.0.0.1:${receiverPort}`, 'built-in receiver listening', 30_000);
    shop = await runShopLoad(`http://127.0.0.1:${receiverPort}`, 20);
    assert.equal(shop.load.unexpected, 0);
    failing = shop.load.byKind['checkout-fail'] ?? 0;
    assert.equal(failing, 2, 'a cycle of ten has one failing checkout');
    // The receiver has every span of the failing path once orders and gateway have all they exported.
    const source = await api.sources.source();
    for (const [service, name] of [['orders', 'orders.validate'], ['gateway', 'checkout.submit']] as const) {
      const want = shop.exported.get(service)?.get(name);
      await waitFor(
        async () => (await source.searchSummaries({ service, operation: name, startUs: 0, endUs: Date.now() * 1000 + 1e6, limit: 1000 })).length === want,
        `the receiver holding all ${want} ${name} spans`,
        30_000,
      );
    }
    // The shop's code in the workspace (the spans recorded samples/shop/dist/*.js; its source maps lead here).
    const target = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'shop');
    fs.mkdirSync(target, { recursive: true });
    fs.cpSync(path.join(shopDir(), 'src'), path.join(target, 'src'), { recursive: true });
    fs.copyFileSync(path.join(shopDir(), 'package.json'), path.join(target, 'package.json'));
    orders = vscode.Uri.file(path.join(target, 'src', 'orders.ts'));
  });

  after(async () => {
    for (const key of ['source', 'receiver.port', 'receiver.persist', 'lookback']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('lists the failing checkout with as many traces and times as the load sent failing requests', async () => {
    const state = await vscode.commands.executeCommand<{ kind: string }>('spanlens.refreshErrors');
    assert.equal(state.kind, 'ready');
    const group = shopGroup();
    assert.ok(group, `groups: ${api.errors.service.report?.groups.map((g) => `${g.type}: ${g.message}`).join(' | ')}`);
    // orders.create records the exception again as it passes: still one per failing request.
    assert.deepEqual([group.traceCount, group.spanCount, group.operations.map((o) => o.operation)], [failing, failing, ['orders.validate']]);
    const roots = api.errors.tree.getChildren();
    const node = roots.find((n): n is Extract<ErrorsNode, { type: 'group' }> => n.type === 'group' && n.group.id === group.id);
    assert.ok(node, 'the group is a row of the Errors view');
    const item = api.errors.tree.getTreeItem(node);
    assert.equal(item.label, TITLE);
    assert.match(String(item.description), new RegExp(`^${failing}× in ${failing} traces · `));
    const children = api.errors.tree.getChildren(node).map((c) => api.errors.tree.getTreeItem(c).label);
    assert.equal(children[0], 'shop/src/orders.ts:52');
    assert.ok(children.slice(1).every((l) => /^(slowest|latest|slowest and latest) trace …[0-9a-f]{8}$/.test(String(l))), children.join(', '));
    if (!isWebHost()) return;
    await vscode.commands.executeCommand('spanlens.errors.focus');
    await waitFor(async () => ((await workbenchTexts('.monaco-list-row')) ?? []).flatMap((f) => f.texts).some((t) => t.includes(TITLE)), `"${TITLE}" shown in the Errors view`, 20_000);
  });

  it('puts an information diagnostic with the counts on the throwing line of src/orders.ts', async () => {
    await waitFor(() => ourDiagnostics().length > 0, 'an error-group diagnostic in orders.ts', 20_000);
    const d = ourDiagnostics().find((x) => x.message.startsWith(TITLE))!;
    assert.ok(d, ourDiagnostics().map((x) => x.message).join(' | '));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(d.message, `${TITLE} — ${failing} times in ${failing} traces in the last hour`);
    const doc = await vscode.workspace.openTextDocument(orders);
    assert.match(doc.lineAt(d.range.start.line).text, /throw new Error\(`SKU \$\{discontinued\.sku\} is discontinued`\)/);
  });

  it('opens the slowest example trace in the viewer from the diagnostic’s quick action', async () => {
    const d = ourDiagnostics().find((x) => x.message.startsWith(TITLE))!;
    await vscode.window.showTextDocument(orders, { selection: new vscode.Range(d.range.start, d.range.start) });
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', orders, new vscode.Range(d.range.start.line, 0, d.range.start.line, 1))) ?? [];
    const open = actions.filter((a) => a.command?.command === 'spanlens.openErrorExample');
    assert.ok(open.length >= 1 && /^Open the slowest trace with this error/.test(open[0]!.title), actions.map((a) => a.title).join(' | '));
    const group = shopGroup()!;
    assert.equal(open[0]!.command!.arguments![0], group.slowest.traceId);
    if (group.slowest.traceId !== group.latest.traceId) assert.equal(open[1]?.command?.arguments?.[0], group.latest.traceId);
    const opened = await vscode.commands.executeCommand<OpenedTrace>(open[0]!.command!.command, ...open[0]!.command!.arguments!);
    assert.equal(opened.traceId, group.slowest.traceId);
    assert.equal(opened.spanCount, 8, 'a failing checkout: gateway server, handler, checkout.submit, POST; orders server, handler, create, validate');
    if (!isWebHost()) return;
    await waitFor(
      async () => ((await workbenchTexts('.sl-row-count')) ?? []).flatMap((f) => f.texts).some((t) => t === `${opened.spanCount} rows`),
      `${opened.spanCount} rows in the viewer`,
      30_000,
    );
  });

  it('lists the group in the hover of the validateOrder lens, after the span’s figures', async () => {
    const doc = await vscode.workspace.openTextDocument(orders);
    const line = doc.getText().split('\n').findIndex((l) => l.startsWith('function validateOrder('));
    const throwing = ourDiagnostics().find((x) => x.message.startsWith(TITLE))!.range.start.line + 1;
    assert.ok(line >= 0);
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', orders, new vscode.Position(line, 10))) ?? [];
    const texts = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')));
    // One hover: the lens's figures for orders.validate, then its errors (markdown escapes undone to compare).
    const ours = texts.map((t) => t.replace(/\\(.)/g, '$1')).find((t) => t.includes('**orders.validate** in `orders`'));
    assert.ok(ours, texts.join('\n---\n'));
    const errors = ours.slice(ours.indexOf('**Errors**'));
    assert.ok(ours.includes('**Errors**') && ours.indexOf('**Errors**') > ours.indexOf('p50'), ours);
    assert.match(errors, new RegExp(`^- ${TITLE} — ${failing} times in ${failing} traces in the last hour, thrown at line ${throwing}$`, 'm'));
  });

  it('drops the group and its diagnostic once its traces are outside the window', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    await config().update('lookback', '1s', vscode.ConfigurationTarget.Workspace);
    const state = await vscode.commands.executeCommand<{ kind: string }>('spanlens.refreshErrors');
    assert.equal(state.kind, 'ready');
    assert.equal(shopGroup(), undefined);
    await waitFor(() => ourDiagnostics().length === 0, 'the error-group diagnostic gone', 10_000);
    const roots = api.errors.tree.getChildren();
    assert.deepEqual(roots.map((n) => (n.type === 'message' ? n.text : n.type)), [`No errors in the last second (0 traces with errors searched)`]);
  });
});
