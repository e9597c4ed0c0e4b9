/** Every command id Span Lens registers. Ids under `contributes.commands` in package.json must match. */
export const CommandId = {
  SearchTraces: 'spanlens.searchTraces',
  OpenTraceById: 'spanlens.openTraceById',
  OpenTraceFile: 'spanlens.openTraceFile',
  RefreshLatency: 'spanlens.refreshLatency',
  ShowLog: 'spanlens.showLog',
  SelectTraceSource: 'spanlens.selectTraceSource',
  CheckSource: 'spanlens.checkSource',
  SetJaegerToken: 'spanlens.setJaegerToken',
  ShowOperationTraces: 'spanlens.showOperationTraces',
  FindTracesAtCursor: 'spanlens.findTracesAtCursor',
  SetUpTracing: 'spanlens.setUpTracing',
  RefreshTracesView: 'spanlens.refreshTracesView',
  CopyTraceId: 'spanlens.copyTraceId',
  SearchSimilar: 'spanlens.searchSimilar',
  SaveSearch: 'spanlens.saveSearch',
  RemoveSavedSearch: 'spanlens.removeSavedSearch',
  RefreshErrors: 'spanlens.refreshErrors',
  /** Arguments: a trace id (from the Errors view, an error diagnostic's quick action). */
  OpenErrorExample: 'spanlens.openErrorExample',
  /** Arguments: an error group id. */
  GoToErrorLocation: 'spanlens.goToErrorLocation',
  /** Internal: the status bar's menu. */
  SourceMenu: 'spanlens.sourceMenu',
} as const;

export type CommandIdValue = (typeof CommandId)[keyof typeof CommandId];
