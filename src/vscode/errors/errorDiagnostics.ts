import * as vscode from 'vscode';
import type { ErrorGroup } from '../../core/exceptions/errorGroups';
import { groupTitle } from '../../core/exceptions/errorGroupRows';
import { occurrenceSentence } from '../../core/exceptions/errorWording';
import { formatDurationMs } from '../../core/stats/format';
import { CommandId } from '../commandIds';
import type { ErrorGroupsService } from './errorGroupsService';

export const ERROR_GROUP_SOURCE = 'Span Lens (errors)';
export const ERROR_GROUP_CODE = 'error-group';

/** Diagnostics per line at most: a line that throws ten kinds of errors shows the five most frequent. */
const MAX_PER_LINE = 5;

/**
 * An information diagnostic at the workspace line where each error group is thrown, replaced on every refresh of the
 * groups (a group whose traces left the window loses its diagnostic).
 */
export class ErrorDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('spanlens-errors');
  /** `uri line` → the groups placed there, most frequent first (the code actions read it). */
  private byLine = new Map<string, ErrorGroup[]>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly service: ErrorGroupsService) {
    this.subscription = service.onDidChange((state) => {
      if (state.kind === 'ready') this.publish(state.report.groups);
    });
  }

  groupsAt(uri: vscode.Uri, line: number): readonly ErrorGroup[] {
    return this.byLine.get(`${uri.toString()} ${line}`) ?? [];
  }

  private publish(groups: readonly ErrorGroup[]): void {
    const byLine = new Map<string, ErrorGroup[]>();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const g of groups) {
      if (!g.location?.inWorkspace) continue;
      const uri = vscode.Uri.file(g.location.file);
      const line = Math.max(0, g.location.line - 1);
      const key = `${uri.toString()} ${line}`;
      const here = byLine.get(key) ?? [];
      if (here.length >= MAX_PER_LINE) continue;
      here.push(g);
      byLine.set(key, here);
      // The whole line: VS Code clamps the end to the line's length.
      const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), occurrenceSentence(g, this.service.window), vscode.DiagnosticSeverity.Information);
      d.source = ERROR_GROUP_SOURCE;
      d.code = ERROR_GROUP_CODE;
      const list = byFile.get(uri.toString()) ?? [];
      list.push(d);
      byFile.set(uri.toString(), list);
    }
    this.byLine = byLine;
    this.collection.clear();
    for (const [uri, list] of byFile) this.collection.set(vscode.Uri.parse(uri), list);
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}

/** Quick actions on an error-group diagnostic: open the group's slowest and its latest example trace. */
export class ErrorExampleCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly diagnostics: ErrorDiagnostics) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== ERROR_GROUP_SOURCE) continue;
      for (const g of this.diagnostics.groupsAt(document.uri, d.range.start.line)) {
        if (occurrenceSentenceMatches(d.message, g)) actions.push(...exampleActions(g, d));
      }
    }
    return actions;
  }
}

function occurrenceSentenceMatches(message: string, g: ErrorGroup): boolean {
  return message.startsWith(`${groupTitle(g)} — `);
}

function exampleActions(g: ErrorGroup, d: vscode.Diagnostic): vscode.CodeAction[] {
  const make = (label: string, traceId: string, preferred: boolean): vscode.CodeAction => {
    const a = new vscode.CodeAction(label, vscode.CodeActionKind.QuickFix);
    a.diagnostics = [d];
    a.isPreferred = preferred;
    a.command = { command: CommandId.OpenErrorExample, title: label, arguments: [traceId] };
    return a;
  };
  const slowest = `Open the slowest trace with this error (${formatDurationMs(g.slowest.traceDurationUs / 1000)}, …${g.slowest.traceId.slice(-8)})`;
  if (g.slowest.traceId === g.latest.traceId) return [make(`${slowest}, also the latest`, g.slowest.traceId, true)];
  return [make(slowest, g.slowest.traceId, true), make(`Open the latest trace with this error (…${g.latest.traceId.slice(-8)})`, g.latest.traceId, false)];
}
