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
  /** Internal: the status bar's menu. */
  SourceMenu: 'spanlens.sourceMenu',
} as const;

export type CommandIdValue = (typeof CommandId)[keyof typeof CommandId];
