import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import type { CodeIntelClient } from '../codeIntelClient';
import type { ConfigWatcher } from '../config';
import type { SourceManager } from '../sourceManager';
import type { TracePresenter } from '../tracePresenter';
import { LatencyLensProvider, type OperationTracesArgs } from './latencyLensProvider';
import { LENS_LANGUAGES } from '../languageSelectors';
import { ServiceResolver } from './serviceResolver';
import { findOperationTraces, showOperationTraces } from './operationTraces';
import { describeSpanNameMatcher } from '../../core/code/instrumented/spanNameMatcher';
import { openTraceInViewer } from '../openTrace';

/** `spanlens.showOperationTraces` from code: `open` picks without UI ('slowest', 'failing' or a trace id). */
export type ShowOperationTracesArgs = OperationTracesArgs & { readonly open?: string };

export function registerLenses(
  codeIntel: CodeIntelClient,
  sources: SourceManager,
  config: ConfigWatcher,
  presenter: TracePresenter,
  memento: vscode.Memento,
  log: vscode.LogOutputChannel,
  refresh: vscode.Event<void>,
): { provider: LatencyLensProvider; disposables: vscode.Disposable[] } {
  const provider = new LatencyLensProvider(codeIntel, sources, config, new ServiceResolver(memento, codeIntel, log), log);
  const disposables: vscode.Disposable[] = [
    provider,
    vscode.languages.registerCodeLensProvider(LENS_LANGUAGES, provider),
    vscode.languages.registerHoverProvider(LENS_LANGUAGES, provider),
    refresh(() => provider.refresh()),
    vscode.commands.registerCommand(CommandId.ShowOperationTraces, async (args?: ShowOperationTracesArgs) => {
      if (!args) return undefined;
      if (args.open === undefined) return showOperationTraces(sources, config, presenter, args);
      const found = await findOperationTraces(sources, config, args);
      const summary = args.open === 'slowest' ? found.slowest[0] : args.open === 'failing' ? found.failing[0] : [...found.slowest, ...found.failing].find((s) => s.traceId === args.open);
      if (summary) await openTraceInViewer(sources, presenter, summary.traceId);
      return found;
    }),
    vscode.commands.registerCommand(CommandId.FindTracesAtCursor, async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return undefined;
      const functions = await provider.functionsOf(editor.document);
      const line = editor.selection.active.line;
      const enclosing = functions
        .filter((f) => f.range.start.line <= line && line <= f.range.end.line)
        .sort((a, b) => b.range.start.line - a.range.start.line)[0];
      if (!enclosing) {
        void vscode.window.showInformationMessage('Span Lens: the cursor is not inside a function that produces a span.');
        return undefined;
      }
      const { service, stats } = await provider.statsFor(editor.document, enclosing);
      if (!service) {
        void vscode.window.showWarningMessage('Span Lens: no service name for this file. Set spanlens.serviceName.');
        return undefined;
      }
      const spanName = describeSpanNameMatcher(enclosing.spanName);
      return showOperationTraces(sources, config, presenter, { service, spanName, operations: stats.operations.length > 0 ? stats.operations : [spanName] });
    }),
  ];
  return { provider, disposables };
}
