// Tracing lint and quick-fixes inside VS Code: diagnostics appear on real files, and applying a code action through
// vscode.executeCodeActionProvider + workspace.applyEdit yields the hand-checked expected text.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { repoRoot } from '../../support/fixtures';
import { codeActions } from '../support/codeActions';
import { waitFor } from '../support/wait';
import { isWebHost, takeScreenshot, workbenchTexts } from '../support/webHost';

interface CaseJson {
  fix: string;
  at?: string;
  occurrence?: number;
  line?: number;
  tracerName?: string;
  options?: Record<string, unknown>;
  rule?: string;
  expect?: 'none';
}

interface Case {
  readonly name: string;
  readonly dir: string;
  readonly input: string;
  readonly json: CaseJson;
}

/** One case per fix (the first whose only option is the tracer name), so every fix runs through the editor once. */
function pickCases(): Case[] {
  const root = path.join(repoRoot(), 'test', 'fixtures', 'fixes');
  const out: Case[] = [];
  for (const fix of fs.readdirSync(root).sort()) {
    for (const name of fs.readdirSync(path.join(root, fix)).sort()) {
      const dir = path.join(root, fix, name);
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as CaseJson;
      const input = fs.readdirSync(dir).find((f) => f.startsWith('input.'));
      const optionKeys = Object.keys(json.options ?? {}).filter((k) => k !== 'tracerName');
      if (!input || json.expect === 'none' || optionKeys.length > 0) continue;
      out.push({ name: `${fix}/${name}`, dir, input, json });
      break;
    }
  }
  return out;
}

function positionOf(doc: vscode.TextDocument, json: CaseJson): vscode.Position {
  if (json.at !== undefined) {
    const text = doc.getText();
    let index = -1;
    for (let i = 0; i < (json.occurrence ?? 1); i++) index = text.indexOf(json.at, index + 1);
    assert.ok(index >= 0, `'${json.at}' not in the input`);
    return doc.positionAt(index);
  }
  return new vscode.Position((json.line ?? 1) - 1, doc.lineAt((json.line ?? 1) - 1).firstNonWhitespaceCharacterIndex);
}

/** Fixes offered anywhere they apply (not tied to a diagnostic). */
const REFACTORINGS = new Set(['add-span', 'propagate', 'bind-context']);

describe('tracing lint and quick-fixes', function () {
  this.timeout(120_000);
  const cases = pickCases();
  let work: string;

  before(() => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    work = path.join(folder.uri.fsPath, 'lint-cases');
    assert.ok(cases.length >= 10, `fix cases found: ${cases.map((c) => c.name).join(', ')}`);
  });

  for (const c of cases) {
    it(`${c.name}: the code action yields the expected file${c.json.rule ? ' and its diagnostic was shown' : ''}`, async () => {
      // Each case in its own package, named as the case's tracer, since fixes take the tracer name from package.json.
      const dir = path.join(work, c.name.replace('/', '__'));
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: c.json.tracerName ?? 'app', version: '1.0.0' }));
      const file = path.join(dir, c.input);
      fs.copyFileSync(path.join(c.dir, c.input), file);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(doc);
      const at = positionOf(doc, c.json);
      let range = new vscode.Range(at, at);
      const refactor = !c.json.rule && REFACTORINGS.has(c.json.fix);
      if (!refactor) {
        // A quick-fix belongs to a diagnostic: wait until the editor shows the one at the target.
        let diagnostic: vscode.Diagnostic | undefined;
        await waitFor(() => {
          diagnostic = vscode.languages
            .getDiagnostics(doc.uri)
            .find((d) => d.source === 'Span Lens' && (!c.json.rule || d.code === c.json.rule) && d.range.contains(at));
          return diagnostic !== undefined;
        }, `${c.json.rule ?? 'a Span Lens'} diagnostic at line ${at.line + 1}`);
        range = diagnostic!.range;
      }
      const kind = refactor ? 'refactor.rewrite.spanlens' : vscode.CodeActionKind.QuickFix.value;
      const actions = await codeActions(doc.uri, range, kind);
      // The API hands actions back without their diagnostics, so every resolved action of the kind is a candidate.
      const ours = actions.filter((a) => a.edit && !a.disabled);
      assert.ok(ours.length > 0, `no Span Lens action; offered: ${actions.map((a) => a.title).join(' | ')}`);
      const expected = fs.readFileSync(path.join(c.dir, c.input.replace('input', 'expected')), 'utf8');
      // Several actions can apply at one place (e.g. rename to either of two keys): one of them is this case's fix.
      for (const action of ours) {
        const before = doc.getText();
        assert.ok(await vscode.workspace.applyEdit(action.edit!));
        if (doc.getText() === expected) break;
        await vscode.workspace.applyEdit(revert(doc, before));
      }
      assert.equal(doc.getText(), expected, `none of ${ours.map((a) => `"${a.title}"`).join(', ')} produced the expected text`);
      if (c.json.rule) {
        await waitFor(
          () => !vscode.languages.getDiagnostics(doc.uri).some((d) => d.code === c.json.rule && d.range.start.isEqual(range.start)),
          `${c.json.rule} gone after the fix`,
        );
      }
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  }

  it('shows the diagnostic and its fixes in the editor UI', async function () {
    if (!isWebHost()) this.skip();
    const dir = path.join(work, 'ui');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'auth', version: '1.0.0' }));
    const file = path.join(dir, 'login.ts');
    fs.copyFileSync(path.join(repoRoot(), 'test', 'fixtures', 'fixes', 'remove-attribute', 'set-attribute', 'input.ts'), file);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(file)));
    let diagnostic: vscode.Diagnostic | undefined;
    await waitFor(() => {
      diagnostic = vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.code === 'sensitive-attribute');
      return diagnostic !== undefined;
    }, 'sensitive-attribute diagnostic');
    editor.selection = new vscode.Selection(diagnostic!.range.start, diagnostic!.range.start);
    await vscode.commands.executeCommand('editor.action.quickFix');
    await waitFor(async () => ((await workbenchTexts('.action-widget')) ?? []).flatMap((f) => f.texts).some((t) => t.includes("Remove attribute 'auth.password'")), 'the quick-fix menu lists the fix');
    await takeScreenshot('lint-quickfix');
    await vscode.commands.executeCommand('hideCodeActionWidget');
  });

  it('offers "Set Up Tracing" that writes a tracing file and adds the packages', async () => {
    const dir = path.join(work, 'setup');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), '{\n  "name": "billing",\n  "version": "1.0.0",\n  "dependencies": {\n    "express": "4.21.2"\n  }\n}\n');
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{}\n');
    const created = await vscode.commands.executeCommand<vscode.Uri>('spanlens.setUpTracing', { uri: vscode.Uri.file(dir), samplerRatio: 0.25 });
    assert.ok(created);
    assert.equal(path.basename(created.fsPath), 'tracing.ts');
    const text = fs.readFileSync(created.fsPath, 'utf8');
    assert.match(text, /new TraceIdRatioBasedSampler\(0\.25\)/);
    assert.match(text, /'billing'/);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.ok(pkg.dependencies['@opentelemetry/sdk-node'], JSON.stringify(pkg.dependencies));
    assert.equal(pkg.dependencies['express'], '4.21.2');
  });
});

function revert(doc: vscode.TextDocument, text: string): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  return edit;
}
