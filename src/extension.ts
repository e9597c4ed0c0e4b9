import * as vscode from 'vscode';
import { ConfigWatcher } from './vscode/config';
import { SourceManager } from './vscode/sourceManager';
import { SourceStatusBar } from './vscode/statusBar';
import { registerSourceCommands } from './vscode/sourceCommands';
import { registerTraceCommands } from './vscode/traceCommands';
import { JsonTracePresenter, SwitchableTracePresenter } from './vscode/tracePresenter';
import { registerSearchCommand } from './vscode/search/searchCommand';
import { CommandId } from './vscode/commandIds';
import { TracesTreeProvider } from './vscode/tracesView/tracesTree';
import { registerTracesView } from './vscode/tracesView/tracesViewCommands';
import { CodeIntelClient } from './vscode/codeIntelClient';
import { registerLenses } from './vscode/lens/registerLenses';
import type { LatencyLensProvider } from './vscode/lens/latencyLensProvider';
import { LintDiagnostics } from './vscode/lint/lintDiagnostics';
import { LintCodeActionProvider } from './vscode/lint/lintCodeActions';
import { setUpTracing, type SetUpTracingArgs } from './vscode/lint/setUpTracing';
import { LINT_LANGUAGES } from './vscode/languageSelectors';
import { SpanLocator, type CodeLocation } from './vscode/spanLocator';
import { registerTraceViewer, TraceViewerPresenter, type TraceViewerDeps } from './vscode/viewer/traceViewerPanel';
import { FileTraceSource } from './core/sources/fileSource';
import { BuiltinReceiverProvider } from './vscode/builtinReceiver';
import { AnalyzingPresenter, TraceFindingsDiagnostics } from './vscode/traceFindings';
import { ViewerPipeline } from './core/export/viewerWorkerPipeline';
import { ViewerWorkerClient } from './core/export/viewerWorkerClient';
import { viewerTraceRequest } from './vscode/viewer/traceRequest';
import { JAEGER_TOKEN_SECRET } from './vscode/sourceManager';
import { registerErrors, type ErrorsFeature } from './vscode/errors/registerErrors';
import { registerAgentLmTools } from './vscode/agentLmTools';

/** What the extension exposes to its integration tests (and nothing else relies on it). */
export interface SpanLensApi {
  readonly sources: SourceManager;
  readonly statusBar: SourceStatusBar;
  readonly config: ConfigWatcher;
  readonly codeIntel: CodeIntelClient;
  readonly lenses: LatencyLensProvider;
  readonly lint: LintDiagnostics;
  readonly locator: SpanLocator;
  readonly receiver: BuiltinReceiverProvider;
  readonly traceFindings: TraceFindingsDiagnostics;
  readonly errors: ErrorsFeature;
}

export function activate(context: vscode.ExtensionContext): SpanLensApi {
  const log = vscode.window.createOutputChannel('Span Lens', { log: true });
  const config = new ConfigWatcher(log);
  const sources = new SourceManager(config, context.secrets, log);
  const statusBar = new SourceStatusBar(sources);
  const presenter = new SwitchableTracePresenter(new JsonTracePresenter());
  const latencyRefresh = new vscode.EventEmitter<void>();
  const tracesTree = new TracesTreeProvider(sources, context.workspaceState);
  const codeIntel = new CodeIntelClient(context.extensionUri, log);
  const receiver = new BuiltinReceiverProvider(context.globalStorageUri, statusBar, log, () => lenses.provider.refresh());
  const lint = new LintDiagnostics(codeIntel, log);
  const locator = new SpanLocator(codeIntel, config, log);
  const viewerWorker = new ViewerWorkerClient({ workerPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'viewerWorker.js').fsPath, log });
  const viewerDeps: TraceViewerDeps<CodeLocation> = {
    log,
    pipeline: new ViewerPipeline(viewerWorker),
    traceRequest: (traceId, source) => viewerTraceRequest(traceId, source, config.current, () => context.secrets.get(JAEGER_TOKEN_SECRET)),
    getTrace: async (traceId, source, signal) => {
      // A panel restored after reload asks again where its trace came from: a file, or the current source.
      if (source?.startsWith('file ')) return new FileTraceSource({ paths: [source.slice(5)] }).getTrace(traceId, signal);
      return (await sources.source()).getTrace(traceId, signal);
    },
    resolveSourceLocation: (span) => locator.locate(span),
    openSource: async (location) => {
      await vscode.window.showTextDocument(location.uri, { selection: location.range, viewColumn: vscode.ViewColumn.One });
    },
  };
  const traceFindings = new TraceFindingsDiagnostics(locator, log);
  presenter.use(new AnalyzingPresenter(new TraceViewerPresenter(context.extensionUri, viewerDeps), traceFindings, log));
  const lenses = registerLenses(codeIntel, sources, config, presenter, context.workspaceState, log, latencyRefresh.event);
  const errors = registerErrors(sources, config, presenter, lenses.provider, log);

  context.subscriptions.push(
    log,
    config,
    sources,
    statusBar,
    latencyRefresh,
    codeIntel,
    viewerWorker,
    ...lenses.disposables,
    ...errors.disposables,
    lint,
    locator,
    traceFindings,
    receiver,
    sources.registerProvider(receiver),
    registerAgentLmTools(sources, codeIntel, config),
    registerTraceViewer(context, viewerDeps),
    vscode.languages.registerCodeActionsProvider(LINT_LANGUAGES, new LintCodeActionProvider(codeIntel), LintCodeActionProvider.metadata),
    vscode.commands.registerCommand(CommandId.SetUpTracing, (args?: SetUpTracingArgs) => setUpTracing(codeIntel, args)),
    ...registerSourceCommands(sources, log, context.secrets),
    ...registerTraceCommands(sources, presenter, log),
    tracesTree,
    ...registerTracesView(tracesTree),
    registerSearchCommand(sources, presenter, context.workspaceState, log, (found) => tracesTree.addRecent(found)),
    vscode.commands.registerCommand(CommandId.RefreshLatency, () => {
      locator.invalidate();
      latencyRefresh.fire();
    }),
  );

  void sources.checkHealth();
  log.info(`Span Lens ${String(context.extension.packageJSON.version)} activated`);
  return { sources, statusBar, config, codeIntel, lenses: lenses.provider, lint, locator, receiver, traceFindings, errors };
}

export function deactivate(): void {}
