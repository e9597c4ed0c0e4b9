import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import type { ConfigWatcher } from '../config';
import type { SourceManager } from '../sourceManager';
import type { OpenedTrace, TracePresenter } from '../tracePresenter';
import type { LatencyLensProvider } from '../lens/latencyLensProvider';
import { LENS_LANGUAGES } from '../languageSelectors';
import { openTraceInViewer } from '../openTrace';
import { ErrorGroupsService, type ErrorGroupsState } from './errorGroupsService';
import { ErrorsTreeProvider } from './errorsTree';
import { ErrorDiagnostics, ErrorExampleCodeActions } from './errorDiagnostics';
import { errorsHoverSection } from './errorsHover';

export interface ErrorsFeature {
  readonly service: ErrorGroupsService;
  readonly tree: ErrorsTreeProvider;
  readonly diagnostics: ErrorDiagnostics;
  readonly disposables: vscode.Disposable[];
}

/** The Errors view beside Traces, the diagnostics at throwing lines with their quick actions, and the lens hovers' errors. */
export function registerErrors(sources: SourceManager, config: ConfigWatcher, presenter: TracePresenter, lenses: LatencyLensProvider, log: vscode.LogOutputChannel): ErrorsFeature {
  // The lenses refresh on their interval, when the built-in receiver gets spans and on Refresh Latency: so do errors.
  const service = new ErrorGroupsService(sources, config, log, [lenses.onDidChangeCodeLenses]);
  const tree = new ErrorsTreeProvider(service);
  const diagnostics = new ErrorDiagnostics(service);
  const disposables: vscode.Disposable[] = [
    service,
    tree,
    diagnostics,
    vscode.window.createTreeView('spanlens.errors', { treeDataProvider: tree, showCollapseAll: true }),
    vscode.languages.registerCodeActionsProvider(LENS_LANGUAGES, new ErrorExampleCodeActions(diagnostics), ErrorExampleCodeActions.metadata),
    lenses.addHoverSection(errorsHoverSection(service)),
    vscode.commands.registerCommand(CommandId.RefreshErrors, (): Promise<ErrorGroupsState> => service.refresh()),
    vscode.commands.registerCommand(CommandId.OpenErrorExample, async (traceId?: string): Promise<OpenedTrace | undefined> => {
      if (typeof traceId !== 'string' || traceId === '') return undefined;
      try {
        return await openTraceInViewer(sources, presenter, traceId);
      } catch (e) {
        sources.reportError(e, `Opening trace ${traceId}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand(CommandId.GoToErrorLocation, async (groupId?: string) => {
      const loc = groupId ? service.groupById(groupId)?.location : undefined;
      if (!loc?.inWorkspace) return undefined;
      const line = Math.max(0, loc.line - 1);
      return vscode.window.showTextDocument(vscode.Uri.file(loc.file), { selection: new vscode.Range(line, 0, line, 0) });
    }),
  ];
  return { service, tree, diagnostics, disposables };
}
