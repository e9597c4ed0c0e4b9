// Tracing lint beyond TS/JS inside VS Code: a diagnostic on a file of the sample shop in another language, its
// quick-fix applied through vscode.executeCodeActionProvider + workspace.applyEdit, the resulting text checked, and
// then checked again by that language's own tools.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { repoRoot } from '../../support/fixtures';
import { codeActions } from '../support/codeActions';
import { waitFor } from '../support/wait';

const shop = (): string => path.join(repoRoot(), 'samples', 'shop');

async function diagnosticAt(uri: vscode.Uri, rule: string, line: number): Promise<vscode.Diagnostic> {
  let found: vscode.Diagnostic | undefined;
  await waitFor(() => {
    found = vscode.languages.getDiagnostics(uri).find((d) => d.source === 'Span Lens' && d.code === rule && d.range.start.line === line);
    return found !== undefined;
  }, `a ${rule} diagnostic on line ${line + 1} (have: ${vscode.languages.getDiagnostics(uri).map((d) => `${d.code}@${d.range.start.line + 1}`).join(', ')})`);
  return found!;
}

/** Applies the quick-fix titled `title` for `diagnostic`; returns the document's new text. */
async function applyQuickFix(doc: vscode.TextDocument, diagnostic: vscode.Diagnostic, title: RegExp): Promise<string> {
  const actions = await codeActions(doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
  const action = actions.find((a) => title.test(a.title) && a.edit);
  assert.ok(action, `a quick-fix ${title}; offered: ${actions.map((a) => a.title).join(' | ')}`);
  assert.ok(await vscode.workspace.applyEdit(action.edit!));
  return doc.getText();
}

describe('tracing lint and quick-fixes in Go, Python and Java files of the sample shop', function () {
  this.timeout(180_000);
  let work: string;

  before(() => {
    work = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'lint-languages');
    fs.mkdirSync(work, { recursive: true });
  });

  it('Go: pricing’s Sprintf span name gets its fix, and the result passes gofmt and go vet', async function () {
    const dir = path.join(work, 'pricing-go');
    fs.mkdirSync(dir, { recursive: true });
    for (const f of ['main.go', 'tracing.go', 'go.mod', 'go.sum']) fs.copyFileSync(path.join(shop(), 'go', 'pricing', f), path.join(dir, f));
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(dir, 'main.go')));
    await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('fmt.Sprintf("pricing.recompute.%s", sku)'));
    assert.ok(line >= 0);
    const diagnostic = await diagnosticAt(doc.uri, 'high-cardinality-span-name', line);
    assert.match(diagnostic.message, /Span name built from run-time values \(sku\)/);
    const text = await applyQuickFix(doc, diagnostic, /^Name the span 'pricing\.recompute' and move the value to attributes$/);
    assert.equal(
      text.split('\n')[line],
      '\t_, span := tracer.Start(ctx, "pricing.recompute", trace.WithAttributes(attribute.String("recompute.sku", fmt.Sprint(sku))))',
    );
    await waitFor(() => !vscode.languages.getDiagnostics(doc.uri).some((d) => d.code === 'high-cardinality-span-name'), 'the diagnostic gone after the fix');
    await doc.save();
    const go = (args: string[]): { status: number | null; out: string } => {
      const r = spawnSync(args[0]!, args.slice(1), { cwd: dir, encoding: 'utf8', timeout: 300_000, env: { ...process.env, GOFLAGS: '-mod=mod', GOWORK: 'off' } });
      return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
    };
    if (go(['go', 'version']).status !== 0) {
      if (process.env['CI'] === 'true') throw new Error('go is needed to check the fixed Go file');
      return;
    }
    assert.deepEqual(go(['gofmt', '-l', '.']), { status: 0, out: '' });
    const vet = go(['go', 'vet', '.']);
    assert.equal(vet.status, 0, vet.out);
  });

  it('Python: a span named from the SKU (the edit a developer might make to app.py) gets its fix; wrap in span on a plain function; py_compile passes', async function () {
    const dir = path.join(work, 'recommendations-py');
    fs.mkdirSync(dir, { recursive: true });
    const original = fs.readFileSync(path.join(shop(), 'python', 'recommendations', 'app.py'), 'utf8');
    const edited = original.replace('with tracer.start_as_current_span(RANK_SPAN) as span:', 'with tracer.start_as_current_span(f"recommendations.rank.{sku}") as span:');
    assert.notEqual(edited, original, 'the sample still names its rank span RANK_SPAN');
    const file = path.join(dir, 'app.py');
    fs.writeFileSync(file, edited);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('f"recommendations.rank.{sku}"'));
    const diagnostic = await diagnosticAt(doc.uri, 'high-cardinality-span-name', line);
    let text = await applyQuickFix(doc, diagnostic, /^Name the span 'recommendations\.rank' and move the value to attributes$/);
    assert.equal(text.split('\n')[line], '    with tracer.start_as_current_span("recommendations.rank", attributes={"rank.sku": str(sku)}) as span:');
    // Wrap in span, offered as a refactoring on a function without one.
    const portLine = text.split('\n').findIndex((l) => l.startsWith('def port('));
    const at = new vscode.Position(portLine, 4);
    const refactors = await codeActions(doc.uri, new vscode.Range(at, at), 'refactor.rewrite.spanlens');
    const wrap = refactors.find((a) => a.title === "Wrap 'port' in a span" && a.edit && !a.disabled);
    assert.ok(wrap, `offered: ${refactors.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(wrap.edit!));
    text = doc.getText();
    assert.match(text, /def port\(\):\n {4}with tracer\.start_as_current_span\("app\.port"\) as span:\n {8}/);
    await doc.save();
    const python = spawnSync('python3', ['-m', 'py_compile', file], { encoding: 'utf8', timeout: 60_000 });
    if (python.error) {
      if (process.env['CI'] === 'true') throw python.error;
      return;
    }
    assert.equal(python.status, 0, python.stderr);
  });

  it('Java: PaymentService’s settle span, ended in a finally without a catch, gets the catch-record-rethrow fix; javac compiles it', async () => {
    const javaDir = path.join(shop(), 'java', 'payments');
    const dir = path.join(work, 'payments-java');
    fs.cpSync(path.join(javaDir, 'src'), path.join(dir, 'src'), { recursive: true });
    fs.copyFileSync(path.join(javaDir, 'pom.xml'), path.join(dir, 'pom.xml'));
    const file = path.join(dir, 'src', 'main', 'java', 'com', 'shop', 'payments', 'PaymentService.java');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    const lines = doc.getText().split('\n');
    const line = lines.findIndex((l) => l.includes('try (Scope ignored = batch.makeCurrent())'));
    const diagnostic = await diagnosticAt(doc.uri, 'exception-not-recorded', line);
    assert.match(diagnostic.message, /ends span 'batch' without recording it/);
    const text = await applyQuickFix(doc, diagnostic, /^Record what the try throws on the span and rethrow it$/);
    assert.match(
      text,
      / {6}\} catch \(Throwable t\) \{\n {8}batch\.recordException\(t\);\n {8}batch\.setStatus\(StatusCode\.ERROR, t\.getMessage\(\)\);\n {8}throw t;\n {6}\} finally \{\n {8}batch\.end\(\);/,
    );
    await waitFor(() => !vscode.languages.getDiagnostics(doc.uri).some((d) => d.code === 'exception-not-recorded'), 'the diagnostic gone after the fix');
    await doc.save();
    const classpath = path.join(javaDir, 'target', 'classpath.txt');
    const javac = spawnSync('javac', ['-d', path.join(dir, 'out'), '-cp', fs.existsSync(classpath) ? fs.readFileSync(classpath, 'utf8').trim() : '', ...fs.readdirSync(path.dirname(file)).map((f) => path.join(path.dirname(file), f))], { encoding: 'utf8', timeout: 120_000 });
    if (javac.error || !fs.existsSync(classpath)) {
      if (process.env['CI'] === 'true') throw javac.error ?? new Error(`the Java sample is not built (${classpath})`);
      return;
    }
    assert.equal(javac.status, 0, javac.stderr);
  });

  it('Set Up Tracing in a Python folder and beside a Go file: tracing.py + requirements.txt, tracing.go + go.mod', async () => {
    const py = path.join(work, 'setup-py');
    fs.mkdirSync(py, { recursive: true });
    fs.writeFileSync(path.join(py, 'requirements.txt'), 'flask==3.1.3\n');
    const created = await vscode.commands.executeCommand<vscode.Uri>('spanlens.setUpTracing', { uri: vscode.Uri.file(py), samplerRatio: 0.5, serviceName: 'recs' });
    assert.equal(created && path.basename(created.fsPath), 'tracing.py');
    const tracing = fs.readFileSync(created!.fsPath, 'utf8');
    assert.match(tracing, /ParentBased\(TraceIdRatioBased\(0\.5\)\)/);
    assert.match(tracing, /os\.environ\.get\("OTEL_SERVICE_NAME", "recs"\)/);
    assert.equal(fs.readFileSync(path.join(py, 'requirements.txt'), 'utf8'), 'flask==3.1.3\nopentelemetry-api==1.45.1\nopentelemetry-sdk==1.45.1\nopentelemetry-exporter-otlp-proto-http==1.45.1\n');
    const go = path.join(work, 'setup-go');
    fs.mkdirSync(go, { recursive: true });
    fs.writeFileSync(path.join(go, 'go.mod'), 'module example.com/shop/inventory\n\ngo 1.22\n');
    fs.writeFileSync(path.join(go, 'main.go'), 'package main\n\nfunc main() {}\n');
    const goCreated = await vscode.commands.executeCommand<vscode.Uri>('spanlens.setUpTracing', { uri: vscode.Uri.file(path.join(go, 'main.go')), samplerRatio: 1 });
    assert.equal(goCreated && path.basename(goCreated.fsPath), 'tracing.go');
    assert.match(fs.readFileSync(goCreated!.fsPath, 'utf8'), /^package main\n[\s\S]*attribute\.String\("service\.name", "inventory"\)/);
    assert.match(fs.readFileSync(path.join(go, 'go.mod'), 'utf8'), /\nrequire \(\n\tgo\.opentelemetry\.io\/otel v1\.47\.0\n/);
  });
});
