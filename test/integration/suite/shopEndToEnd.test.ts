// The main job end to end: the sample shop, under the real OpenTelemetry SDK, sends to the extension's built-in
// OTLP receiver; the lenses on the shop's code count exactly the spans the shop produced; the viewer opens a trace.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension';
import type { TraceSummary } from '../../../src/core/sources/traceSource';
import { repoRoot } from '../../support/fixtures';
import { isWebHost, workbenchTexts } from '../support/webHost';
import { waitFor } from '../support/wait';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');
const shopDir = (): string => path.join(repoRoot(), 'samples', 'shop');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A base port with the shop's ports free too (base..base+3, base+5 for the Go pricing service, base+6 for the Java payments service). */
async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const ok = await Promise.all([0, 1, 2, 3, 5, 6].map((i) => canListen(base + i)));
    if (ok.every(Boolean)) return base;
  }
  throw new Error('no free ports for the shop');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited ${code}: ${err || out}`))));
  });
}

describe('sample shop → built-in receiver → lenses and viewer', function () {
  this.timeout(240_000);
  let shop: ChildProcess | undefined;
  let countsDir: string;
  let exported: Map<string, Map<string, number>>;

  before(async function () {
    const dist = path.join(shopDir(), 'dist', 'start-all.js');
    assert.ok(fs.existsSync(dist), `build the sample first (npm run build:sample): ${dist} is missing`);
    const ext = vscode.extensions.getExtension<SpanLensApi>('spanlens.spanlens')!;
    const api = await ext.activate();
    const receiverPort = await freePort();
    await config().update('receiver.persist', false, vscode.ConfigurationTarget.Workspace);
    await config().update('receiver.port', receiverPort, vscode.ConfigurationTarget.Workspace);
    await config().update('source', 'builtin', vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.sources.state.kind === 'connected' && api.receiver.endpoint === `http://127.0.0.1:${receiverPort}`, 'built-in receiver listening', 30_000);

    const base = await freeBasePort();
    countsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-counts-'));
    shop = spawn(process.execPath, [dist, '--base-port', String(base)], {
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}`, OTEL_BSP_SCHEDULE_DELAY: '300', SHOP_SPAN_COUNTS_DIR: countsDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    shop.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    shop.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    await waitFor(() => log.includes('the shop is up'), `the shop starting (log: ${log.slice(-500)})`, 60_000);
    const report = JSON.parse(await run([path.join(shopDir(), 'dist', 'load.js'), '--requests', '20', '--json', '--target', `http://127.0.0.1:${base}`], {})) as { sent: number; unexpected: number };
    assert.equal(report.sent, 20);
    assert.equal(report.unexpected, 0);
    // Stopping the shop flushes every service's spans and writes what each exported.
    const exitedShop = new Promise<void>((resolve) => shop!.once('exit', () => resolve()));
    shop.kill('SIGTERM');
    await exitedShop;
    shop = undefined;
    exported = new Map();
    for (const file of fs.readdirSync(countsDir)) {
      const { service, counts } = JSON.parse(fs.readFileSync(path.join(countsDir, file), 'utf8')) as { service: string; counts: Record<string, number> };
      exported.set(service, new Map(Object.entries(counts)));
    }
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
    shop?.kill('SIGKILL');
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
