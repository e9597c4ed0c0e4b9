import * as vscode from 'vscode';
import type { FixKey } from '../../core/code/codeIntel';
import type { CodeIntelClient } from '../codeIntelClient';
import { LintDiagnostic, toRange } from './lintDiagnostics';
import { lintOptionsFor } from './lintSettings';
import { TraceFindingDiagnostic } from '../traceFindings';

/** The refactor kind of "Wrap in span" and friends, so users can bind keys to it. */
export const SPAN_REFACTOR_KIND = vscode.CodeActionKind.RefactorRewrite.append('spanlens');

/** A code action whose edit is computed only when the user picks it (resolveCodeAction). */
class SpanLensCodeAction extends vscode.CodeAction {
  constructor(
    title: string,
    kind: vscode.CodeActionKind,
    readonly document: vscode.TextDocument,
    readonly fixId: FixKey,
    readonly target: vscode.Range | vscode.Position,
  ) {
    super(title, kind);
  }
}

/**
 * Quick-fixes for Span Lens diagnostics and span refactorings anywhere in a function. The worker computes the edits
 * (text in, edits out) when an action is resolved, not when the light bulb is drawn.
 */
export class LintCodeActionProvider implements vscode.CodeActionProvider<SpanLensCodeAction> {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, SPAN_REFACTOR_KIND],
  };

  constructor(private readonly codeIntel: CodeIntelClient) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<SpanLensCodeAction[]> {
    const actions: SpanLensCodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (!(diagnostic instanceof LintDiagnostic)) continue;
      for (const fix of diagnostic.finding.fixes) {
        const action = new SpanLensCodeAction(fix.title, fix.kind === 'quickfix' ? vscode.CodeActionKind.QuickFix : SPAN_REFACTOR_KIND, document, fix.id, diagnostic.range);
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.safe;
        actions.push(action);
      }
    }
    // A trace showed context not reaching a callee: offer the propagation fixes for the outgoing calls of that function.
    for (const diagnostic of context.diagnostics) {
      if (!(diagnostic instanceof TraceFindingDiagnostic) || diagnostic.kind !== 'propagation-gap') continue;
      const options = await lintOptionsFor(document.uri);
      const findings = await this.codeIntel
        .call('lintText', [document.getText(), document.uri.fsPath, { ...options, rules: { ...options.rules, 'missing-propagation': 'warning' } }])
        .catch(() => []);
      for (const f of findings) {
        if (f.rule !== 'missing-propagation' || !diagnostic.location.functionRange.contains(toRange(f.range))) continue;
        for (const fix of f.fixes) {
          const action = new SpanLensCodeAction(`${fix.title} (the trace shows the gap)`, vscode.CodeActionKind.QuickFix, document, fix.id, toRange(f.range));
          action.diagnostics = [diagnostic];
          action.isPreferred = fix.safe;
          actions.push(action);
        }
      }
    }
    const wantsRefactors = !context.only || context.only.contains(SPAN_REFACTOR_KIND) || SPAN_REFACTOR_KIND.contains(context.only);
    if (wantsRefactors) {
      const options = await lintOptionsFor(document.uri);
      const position = { line: range.start.line, character: range.start.character };
      // A superseded request still answers (with what it has) rather than rejecting the whole code-action query.
      const refactorings = await this.codeIntel.call('listRefactorings', [document.getText(), document.uri.fsPath, position, options]).catch(() => []);
      if (token.isCancellationRequested) return actions;
      for (const r of refactorings) {
        const action = new SpanLensCodeAction(r.title, SPAN_REFACTOR_KIND, document, r.id, toRange(r.range));
        if (r.disabledReason) action.disabled = { reason: r.disabledReason };
        actions.push(action);
      }
    }
    return actions;
  }

  async resolveCodeAction(action: SpanLensCodeAction, token: vscode.CancellationToken): Promise<SpanLensCodeAction> {
    const doc = action.document;
    const options = await lintOptionsFor(doc.uri);
    const target =
      action.target instanceof vscode.Range
        ? { start: { line: action.target.start.line, character: action.target.start.character }, end: { line: action.target.end.line, character: action.target.end.character } }
        : { line: action.target.line, character: action.target.character };
    const edits = await this.codeIntel.call('computeFix', [doc.getText(), doc.uri.fsPath, action.fixId, target, options], token);
    if (!edits || edits.length === 0) return action;
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits) edit.replace(doc.uri, toRange(e.range), e.newText);
    action.edit = edit;
    return action;
  }
}
