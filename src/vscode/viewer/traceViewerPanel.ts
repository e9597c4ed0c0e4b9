// The trace viewer's VS Code host: a webview panel per trace, talking to the app in src/webview through
// src/shared/protocol.ts. The host builds the columnar payload (with analysis and "maps to code" flags), sends it
// after the view says `ready`, and answers the view's requests (go to source, open linked trace, compare, export).
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { Span, Trace } from '../../core/model/trace';
import { analyzeForPayload, buildAnalyzedPayload } from '../../core/export/payloadAnalysis';
import { buildTracePayload } from '../../core/export/tracePayload';
import { buildHtmlExport } from '../../core/export/htmlExport';
import { parseTraceIdInput } from '../../core/model/traceIdInput';
import { isViewerState, isViewToHostMessage, type HostToViewMessage, type ViewerState, type ViewToHostMessage } from '../../shared/protocol';
import type { TracePayload } from '../../shared/viewModelPayload';
import type { TraceOrigin, TracePresenter } from '../tracePresenter';
import { renderPanelHtml } from './panelHtml';

/**
 * What the panel needs from the rest of the extension. `L` is whatever the lens mapping calls a code location;
 * the panel only passes it from `resolveSourceLocation` to `openSource`.
 */
export interface TraceViewerDeps<L = unknown> {
  readonly log: vscode.LogOutputChannel;
  /** Fetch a trace (restoring a panel after reload, opening a linked trace). `source` is the description the panel was shown with. */
  getTrace(traceId: string, source: string | undefined, signal: AbortSignal): Promise<Trace>;
  /** Where the code that produced this span is, via the lens mapping; undefined when it is not known. */
  resolveSourceLocation(span: Span): L | undefined | Promise<L | undefined>;
  openSource(location: L): void | Promise<void>;
  /** Optional: let the user pick a trace to compare with. Without it, "Compare with…" asks for a trace id. */
  pickCompareTrace?(current: Trace, signal: AbortSignal): Promise<{ readonly trace: Trace; readonly source: string } | undefined>;
}

export interface TraceViewerInput {
  readonly trace: Trace;
  /** Where it came from (TraceOrigin.source), kept in the panel state for restoring. */
  readonly source: string;
  readonly compare?: { readonly trace: Trace; readonly source: string };
  /** Select this span once shown. */
  readonly revealSpanId?: string;
}

interface Shown {
  readonly trace: Trace;
  readonly source: string;
  /** What the view gets; for a large trace first without analysis, replaced when the analysis is done. */
  payload: TracePayload;
  /** Source locations per service+operation, resolved while building the payload. */
  readonly locations: ReadonlyMap<string, unknown>;
  compare?: { readonly trace: Trace; readonly source: string; readonly payload: TracePayload };
}

const VIEW_TYPE = 'spanlens.traceViewer';
/** Above this many spans the trace is shown before it is analysed (analysis of 100k spans takes seconds). */
const ANALYZE_LATER_ABOVE = 10_000;
const operationKey = (span: Span): string => JSON.stringify([span.service, span.name]);

export class TraceViewerPanel {
  static readonly viewType = VIEW_TYPE;
  private static readonly open = new Set<TraceViewerPanel>();
  private shown: Shown | undefined;
  private ready = false;
  private pendingReveal: string | undefined;
  private restoreState: ViewerState | undefined;
  private readonly abort = new AbortController();
  private readonly disposables: vscode.Disposable[] = [];

  /** Opens a new panel showing the trace (beside the active editor). */
  static show<L>(extensionUri: vscode.Uri, input: TraceViewerInput, deps: TraceViewerDeps<L>): TraceViewerPanel {
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, panelTitle(input.trace), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewOptions(extensionUri));
    const viewer = new TraceViewerPanel(panel, extensionUri, deps as TraceViewerDeps);
    void viewer.load(input);
    return viewer;
  }

  /** Restores a panel VS Code kept across a reload, from the state the view saved. */
  static revive<L>(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown, deps: TraceViewerDeps<L>): TraceViewerPanel {
    panel.webview.options = webviewOptions(extensionUri);
    const viewer = new TraceViewerPanel(panel, extensionUri, deps as TraceViewerDeps);
    if (!isViewerState(state)) {
      viewer.post({ type: 'error', message: 'This trace viewer could not be restored: it saved no trace id. Open the trace again.' });
      return viewer;
    }
    viewer.restoreState = state;
    void viewer.restore(state);
    return viewer;
  }

  /** Panels currently open (for tests and for "reveal span" from elsewhere). */
  static panels(): readonly TraceViewerPanel[] {
    return [...TraceViewerPanel.open];
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly deps: TraceViewerDeps,
  ) {
    TraceViewerPanel.open.add(this);
    const webview = panel.webview;
    webview.html = renderPanelHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'viewer.css')).toString(),
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, ''),
      title: panel.title,
    });
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get traceId(): string | undefined {
    return this.shown?.trace.traceId;
  }

  /** Select a span in this panel. */
  revealSpan(spanId: string): void {
    if (this.ready && this.shown) this.post({ type: 'revealSpan', spanId });
    else this.pendingReveal = spanId;
  }

  private async load(input: TraceViewerInput): Promise<void> {
    try {
      this.shown = await this.prepare(input.trace, input.source);
      if (input.compare) this.shown.compare = { ...input.compare, payload: await this.buildPayload(input.compare.trace, input.compare.source) };
      this.panel.title = panelTitle(input.trace);
      this.pendingReveal = input.revealSpanId;
      if (this.ready) this.sendTrace();
      if (!this.shown.payload.analysis) await this.analyzeLater(this.shown);
    } catch (e) {
      this.fail(`Could not show trace ${input.trace.traceId}`, e);
    }
  }

  private async restore(state: ViewerState): Promise<void> {
    this.post({ type: 'loading', message: `Loading trace ${state.traceId}…` });
    try {
      const trace = await this.deps.getTrace(state.traceId, state.source, this.abort.signal);
      const compare = state.compareTraceId !== undefined ? { trace: await this.deps.getTrace(state.compareTraceId, state.compareSource ?? state.source, this.abort.signal), source: state.compareSource ?? state.source } : undefined;
      await this.load({ trace, source: state.source, ...(compare ? { compare } : {}) });
    } catch (e) {
      this.fail(`Could not reload trace ${state.traceId}`, e);
    }
  }

  /** Resolves code locations once per distinct service+operation, then builds the payload with those flags. */
  private async prepare(trace: Trace, source: string): Promise<Shown> {
    const representatives = new Map<string, Span>();
    for (const s of trace.spans) if (!representatives.has(operationKey(s))) representatives.set(operationKey(s), s);
    const locations = new Map<string, unknown>();
    await Promise.all(
      [...representatives].map(async ([key, span]) => {
        try {
          const location = await this.deps.resolveSourceLocation(span);
          if (location !== undefined) locations.set(key, location);
        } catch (e) {
          this.deps.log.warn(`Trace viewer: resolving the code of ${span.service} ${span.name} failed: ${describe(e)}`);
        }
      }),
    );
    const hasSource = (span: Span): boolean => locations.has(operationKey(span));
    const payload = trace.spans.length > ANALYZE_LATER_ABOVE ? buildTracePayload(trace, { source, hasSource }) : buildAnalyzedPayload(trace, { source, hasSource });
    return { trace, source, payload, locations };
  }

  /** Analyses a trace already on screen, then sends the result (and keeps it for a reloaded view). */
  private async analyzeLater(shown: Shown): Promise<void> {
    // Let the trace message go out first: analysis blocks this thread for a while on a large trace.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (this.abort.signal.aborted || this.shown !== shown) return;
    const started = Date.now();
    const analysis = analyzeForPayload(shown.trace, shown.payload);
    shown.payload = { ...shown.payload, analysis };
    this.deps.log.info(`Trace viewer: analysed ${shown.trace.spans.length} spans of ${shown.trace.traceId} in ${Date.now() - started} ms`);
    if (this.ready) this.post({ type: 'analysis', traceId: shown.trace.traceId, analysis });
  }

  private async buildPayload(trace: Trace, source: string): Promise<TracePayload> {
    return buildAnalyzedPayload(trace, { source });
  }

  private sendTrace(): void {
    const shown = this.shown;
    if (!shown) return;
    const state = this.restoreState?.traceId === shown.trace.traceId ? this.restoreState : undefined;
    this.post({ type: 'trace', payload: shown.payload, ...(state ? { state } : {}) });
    if (shown.compare) this.post({ type: 'compare', payload: shown.compare.payload });
    if (this.pendingReveal !== undefined) {
      this.post({ type: 'revealSpan', spanId: this.pendingReveal });
      this.pendingReveal = undefined;
    }
  }

  private onMessage(raw: unknown): void {
    if (!isViewToHostMessage(raw)) {
      this.deps.log.warn(`Trace viewer: ignored an invalid message from the view (${describeShape(raw)})`);
      return;
    }
    void this.handle(raw).catch((e: unknown) => this.deps.log.error(`Trace viewer: ${raw.type} failed: ${describe(e)}`));
  }

  private async handle(message: ViewToHostMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        // Also after the view reloaded (hidden and shown again): it lost everything, send it all again.
        this.ready = true;
        this.sendTrace();
        return;
      case 'goToSource':
        return this.goToSource(message.spanId);
      case 'openTrace':
        return this.openLinkedTrace(message.traceId, message.spanId);
      case 'requestCompare':
        return this.requestCompare();
      case 'exportHtml':
        return this.exportHtml();
      case 'log':
        this.deps.log[message.level](`Trace viewer: ${message.message}`);
        return;
    }
  }

  private async goToSource(spanId: string): Promise<void> {
    const span = this.shown?.trace.spans.find((s) => s.spanId === spanId);
    if (!span || !this.shown) return;
    const location = this.shown.locations.get(operationKey(span)) ?? (await this.deps.resolveSourceLocation(span));
    if (location === undefined) {
      void vscode.window.showInformationMessage(`Span Lens: no code in this workspace is known to produce "${span.name}" (${span.service}).`);
      return;
    }
    await this.deps.openSource(location);
  }

  private async openLinkedTrace(traceId: string, spanId: string | undefined): Promise<void> {
    const id = parseTraceIdInput(traceId);
    if (id === undefined) {
      void vscode.window.showWarningMessage(`Span Lens: the link names "${traceId.slice(0, 64)}", which is not a trace id.`);
      return;
    }
    const source = this.shown?.source;
    try {
      const trace = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Span Lens: fetching linked trace ${id}`, cancellable: true }, (_p, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return this.deps.getTrace(id, source, AbortSignal.any([controller.signal, this.abort.signal]));
      });
      TraceViewerPanel.show(this.extensionUri, { trace, source: source ?? '', ...(spanId ? { revealSpanId: spanId } : {}) }, this.deps);
    } catch (e) {
      this.deps.log.error(`Trace viewer: open linked trace ${id}: ${describe(e)}`);
      void vscode.window.showErrorMessage(`Span Lens: could not open linked trace ${id}: ${describe(e)}`);
    }
  }

  private async requestCompare(): Promise<void> {
    const shown = this.shown;
    if (!shown) return;
    let picked: { trace: Trace; source: string } | undefined;
    if (this.deps.pickCompareTrace) {
      picked = await this.deps.pickCompareTrace(shown.trace, this.abort.signal);
    } else {
      const raw = await vscode.window.showInputBox({
        title: 'Span Lens: Compare with trace',
        prompt: 'Trace id (16 or 32 hex digits) or Jaeger trace URL to compare with',
        ignoreFocusOut: true,
        validateInput: (v) => (parseTraceIdInput(v) ? undefined : 'Not a trace id'),
      });
      const id = raw === undefined ? undefined : parseTraceIdInput(raw);
      if (id === undefined) return;
      try {
        picked = { trace: await this.deps.getTrace(id, shown.source, this.abort.signal), source: shown.source };
      } catch (e) {
        void vscode.window.showErrorMessage(`Span Lens: could not fetch trace ${id}: ${describe(e)}`);
        return;
      }
    }
    if (!picked) return;
    shown.compare = { ...picked, payload: await this.buildPayload(picked.trace, picked.source) };
    this.post({ type: 'compare', payload: shown.compare.payload });
  }

  private async exportHtml(): Promise<void> {
    const shown = this.shown;
    if (!shown) return;
    const target = await vscode.window.showSaveDialog({
      title: 'Span Lens: Export trace as HTML',
      defaultUri: vscode.Uri.file(`trace-${shown.trace.traceId}.html`),
      filters: { 'HTML page': ['html'] },
    });
    if (!target) return;
    const read = async (...parts: string[]): Promise<string> => new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, ...parts)));
    // The exported page has no host: drop the "maps to code" flags, its buttons could do nothing there.
    const html = buildHtmlExport({
      trace: buildAnalyzedPayload(shown.trace, { source: shown.source }),
      ...(shown.compare ? { compare: shown.compare.payload } : {}),
      assets: { script: await read('dist', 'webview.js'), css: await read('media', 'viewer.css') },
    });
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(html));
    this.deps.log.info(`Trace viewer: exported trace ${shown.trace.traceId} to ${target.fsPath}`);
    void vscode.window.showInformationMessage(`Span Lens: saved ${target.fsPath}`);
  }

  private post(message: HostToViewMessage): void {
    void this.panel.webview.postMessage(message).then(undefined, (e: unknown) => this.deps.log.warn(`Trace viewer: post ${message.type} failed: ${describe(e)}`));
  }

  private fail(what: string, e: unknown): void {
    if (this.abort.signal.aborted) return;
    this.deps.log.error(`Trace viewer: ${what}: ${describe(e)}`);
    this.post({ type: 'error', message: `${what}: ${describe(e)}` });
  }

  private dispose(): void {
    TraceViewerPanel.open.delete(this);
    this.abort.abort();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Shows traces in viewer panels: one trace directly, several through a pick list. */
export class TraceViewerPresenter<L = unknown> implements TracePresenter {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: TraceViewerDeps<L>,
  ) {}

  async show(traces: readonly Trace[], origin: TraceOrigin): Promise<void> {
    let trace = traces[0];
    if (traces.length > 1) {
      const picked = await vscode.window.showQuickPick(
        traces.map((t) => ({ label: rootLabel(t), description: t.traceId, detail: `${t.spans.length} spans`, trace: t })),
        { title: `Span Lens: ${traces.length} traces in ${origin.source}`, placeHolder: 'Which trace to open' },
      );
      trace = picked?.trace;
    }
    if (!trace) return;
    TraceViewerPanel.show(this.extensionUri, { trace, source: origin.source }, this.deps);
  }
}

/** Registers the panel serializer so open viewers come back after a window reload. Call once from activate(). */
export function registerTraceViewer<L>(context: vscode.ExtensionContext, deps: TraceViewerDeps<L>): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
    deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown): Promise<void> => {
      TraceViewerPanel.revive(panel, context.extensionUri, state, deps);
    },
  });
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    // A 100k-span trace takes a second to rebuild: keep the view alive while its tab is hidden.
    retainContextWhenHidden: true,
  };
}

function rootLabel(trace: Trace): string {
  const root = trace.spans.find((s) => s.parentSpanId === undefined) ?? trace.spans[0];
  return root ? `${root.service}: ${root.name}` : 'empty trace';
}

function panelTitle(trace: Trace): string {
  const root = trace.spans.find((s) => s.parentSpanId === undefined) ?? trace.spans[0];
  const name = root ? root.name : 'empty trace';
  return `Trace ${trace.traceId.slice(-8)} · ${name.length > 40 ? `${name.slice(0, 39)}…` : name}`;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function describeShape(x: unknown): string {
  if (typeof x !== 'object' || x === null) return typeof x;
  const type = (x as { type?: unknown }).type;
  return `type ${typeof type === 'string' ? type.slice(0, 40) : typeof type}`;
}
