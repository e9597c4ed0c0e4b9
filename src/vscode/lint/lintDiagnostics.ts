import * as vscode from 'vscode';
import { LINT_VSCODE_LANGUAGE_IDS } from '../languageSelectors';
import type { Finding, Severity } from '../../core/code/codeIntel';
import type { CodeIntelClient } from '../codeIntelClient';
import { lintEnabled, lintOptionsFor } from './lintSettings';

const DEBOUNCE_MS = 400;

export const DIAGNOSTIC_SOURCE = 'Span Lens';

/** A diagnostic that remembers the finding it came from, so code actions can ask for its fixes. */
export class LintDiagnostic extends vscode.Diagnostic {
  constructor(
    readonly finding: Finding,
    readonly documentVersion: number,
  ) {
    super(toRange(finding.range), finding.message, toSeverity(finding.severity));
    this.source = DIAGNOSTIC_SOURCE;
    this.code = finding.rule;
  }
}

/**
 * Tracing lint as diagnostics: runs in the code-intelligence worker on open, on edits (debounced) and on save;
 * results for an outdated document version are dropped.
 */
export class LintDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('spanlens');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly pending = new Map<string, vscode.CancellationTokenSource>();

  constructor(
    private readonly codeIntel: CodeIntelClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidSaveTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.collection.delete(d.uri);
        this.cancel(d.uri.toString());
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('spanlens.lint') || e.affectsConfiguration('spanlens.fixes')) this.lintAll();
      }),
    );
    this.lintAll();
  }

  /** Lints a document now and returns its findings (used by tests and the CLI-like command). */
  async lintNow(document: vscode.TextDocument): Promise<readonly LintDiagnostic[]> {
    await this.run(document);
    return (this.collection.get(document.uri) ?? []) as readonly LintDiagnostic[];
  }

  private lintAll(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!LINT_VSCODE_LANGUAGE_IDS.has(document.languageId) || document.uri.scheme !== 'file') return;
    const key = document.uri.toString();
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.run(document);
      }, delayMs),
    );
  }

  private cancel(key: string): void {
    this.pending.get(key)?.cancel();
    this.pending.delete(key);
  }

  private async run(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    if (!lintEnabled(document.uri)) {
      this.collection.delete(document.uri);
      return;
    }
    this.cancel(key);
    const cts = new vscode.CancellationTokenSource();
    this.pending.set(key, cts);
    const version = document.version;
    try {
      const options = await lintOptionsFor(document.uri);
      const findings = await this.codeIntel.call('lintText', [document.getText(), document.uri.fsPath, options], cts.token);
      if (document.isClosed || document.version !== version) return;
      this.collection.set(document.uri, findings.map((f) => new LintDiagnostic(f, version)));
    } catch (e) {
      if (!(e instanceof vscode.CancellationError)) this.log.warn(`Tracing lint of ${document.uri.fsPath} failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      if (this.pending.get(key) === cts) this.pending.delete(key);
      cts.dispose();
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const c of this.pending.values()) c.cancel();
    for (const d of this.disposables) d.dispose();
  }
}

export function toRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

function toSeverity(s: Severity): vscode.DiagnosticSeverity {
  switch (s) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'info':
      return vscode.DiagnosticSeverity.Information;
    case 'hint':
      return vscode.DiagnosticSeverity.Hint;
  }
}
