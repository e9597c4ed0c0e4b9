// Latency CodeLens end to end: the sample workspace's instrumented functions get lenses whose figures equal
// percentiles computed here, independently, from the traces the Jaeger test server serves.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startJaegerTestServer, type JaegerTestServer } from '../../support/jaegerTestServer';
import { repoRoot } from '../../support/fixtures';
import { takeScreenshot, isWebHost, workbenchTexts } from '../support/webHost';
import { waitFor } from '../support/wait';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('spanlens');

/** Linear interpolation between closest ranks (rank = q·(n−1)), written here again on purpose. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** The same display rules as the lens (ms with units that fit), for comparing titles. */
function ms(value: number): string {
  if (value < 1) return `${Number(value.toFixed(2))} ms`;
  if (value < 1000) return `${Number(value.toFixed(value < 10 ? 1 : 0))} ms`;
  if (value < 60_000) return `${Number((value / 1000).toFixed(2))} s`;
  return `${Number((value / 60_000).toFixed(1))} min`;
}

interface Expected {
  readonly file: string;
  readonly service: string;
  /** Span names whose spans the lens must summarise. */
  readonly names: RegExp;
}

// From test/fixtures/lens-workspace/README.md: which fixture spans each function's lens stands for.
const EXPECTED: readonly Expected[] = [
  { file: 'src/customers/hikari.ts', service: 'customers-service', names: /^HikariProxyPreparedStatement\.executeQuery$/ },
  { file: 'src/conversion/conversion.ts', service: 'service-x', names: /^test-general-conversion$/ },
  { file: 'src/conversion/conversion.ts', service: 'service-x', names: /^test-general-conversion-.+$/ },
  { file: 'src/gateway.ts', service: 'api-gateway', names: /^GET \/owners$/ },
];

describe('latency CodeLens', function () {
  this.timeout(120_000);
  let server: JaegerTestServer;
  let lensRoot: string;

  before(async () => {
    server = await startJaegerTestServer();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the suite runs with a workspace folder open');
    // The lens workspace lives in the repo; copy it into the opened folder so service resolution walks up inside it.
    lensRoot = path.join(folder.uri.fsPath, 'lens');
    fs.cpSync(path.join(repoRoot(), 'test', 'fixtures', 'lens-workspace'), lensRoot, { recursive: true });
    await config().update('source', 'jaeger', vscode.ConfigurationTarget.Workspace);
    await config().update('jaeger.url', server.url, vscode.ConfigurationTarget.Workspace);
    await config().update('lookback', '1h', vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    for (const key of ['source', 'jaeger.url', 'lookback', 'codeLens.enabled']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    await server.close();
  });

  async function lensesOf(rel: string): Promise<vscode.CodeLens[]> {
    const uri = vscode.Uri.file(path.join(lensRoot, rel));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    // The second argument asks VS Code to resolve every lens (figures included).
    return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  }

  it('shows figures equal to percentiles computed independently from the served traces', async () => {
    for (const expected of EXPECTED) {
      const spans = server.traces.flatMap((t) => t.spans).filter((s) => s.service === expected.service && expected.names.test(s.name));
      assert.ok(spans.length > 0, `the fixtures hold spans for ${expected.names} in ${expected.service}`);
      const durationsMs = spans.map((s) => s.durationUs / 1000);
      const errors = spans.filter((s) => s.error).length;
      const title = `p50 ${ms(quantile(durationsMs, 0.5))} · p95 ${ms(quantile(durationsMs, 0.95))} · p99 ${ms(quantile(durationsMs, 0.99))} · ${spans.length} call${spans.length === 1 ? '' : 's'}`;
      const lenses = await lensesOf(expected.file);
      const titles = lenses.map((l) => l.command?.title ?? '(unresolved)');
      const match = titles.find((t) => t.includes(title));
      assert.ok(match, `${expected.file}: no lens shows "${title}"; lenses: ${titles.join(' | ')}`);
      const rate = errors / spans.length;
      const errorText = rate === 0 ? '0% errors' : rate * 100 < 0.1 ? '<0.1% errors' : `${Number((rate * 100).toFixed(rate * 100 < 10 ? 1 : 0))}% errors`;
      assert.ok(match.includes(errorText), `${expected.file}: "${match}" should end with ${errorText}`);
    }
  });

  it('puts the lens on the first line of each instrumented function and none on span names in comments or strings', async () => {
    const hikari = await lensesOf('src/customers/hikari.ts');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(lensRoot, 'src/customers/hikari.ts')));
    const lines = hikari.map((l) => doc.lineAt(l.range.start.line).text.trim());
    assert.ok(lines.some((l) => l.startsWith('async executeQuery')), `lens lines: ${lines.join(' | ')}`);
    assert.deepEqual(await lensesOf('src/negatives.ts'), []);
  });

  it('says so when a function has no data, and hides lenses when disabled', async () => {
    fs.writeFileSync(
      path.join(lensRoot, 'src/conversion/unrecorded.ts'),
      "import { trace } from '@opentelemetry/api';\nexport function neverRun(): void {\n  trace.getTracer('x').startActiveSpan('never-recorded', (span) => span.end());\n}\n",
    );
    const titles = (await lensesOf('src/conversion/unrecorded.ts')).map((l) => l.command?.title ?? '');
    assert.deepEqual(titles, ["$(circle-slash) no spans 'never-recorded' in service-x (last 1h)"]);
    await config().update('codeLens.enabled', false, vscode.ConfigurationTarget.Workspace);
    await waitFor(async () => (await lensesOf('src/customers/hikari.ts')).length === 0, 'lenses gone when disabled');
    await config().update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor(async () => (await lensesOf('src/customers/hikari.ts')).length > 0, 'lenses back when enabled');
  });

  it('renders the lens in the editor', async function () {
    if (!isWebHost()) this.skip();
    await lensesOf('src/customers/hikari.ts');
    // What the user sees: the editor draws the resolved lens text above the function.
    let shown: string[] = [];
    await waitFor(async () => {
      shown = ((await workbenchTexts('.codelens-decoration')) ?? []).flatMap((f) => f.texts);
      return shown.some((t) => /p50 .* · p95 .* · p99 .* calls/.test(t));
    }, 'lens text drawn in the editor');
    const file = await takeScreenshot('lenses-hikari');
    assert.ok(file && fs.existsSync(file));
  });
});
