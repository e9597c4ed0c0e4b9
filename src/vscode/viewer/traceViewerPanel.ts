// The trace viewer's VS Code host: a webview panel per trace, talking to the app in src/webview through
// src/shared/protocol.ts. Fetching, parsing, payload building and analysis run in the viewer's worker thread
// (src/core/export/viewerWorker.ts) through a ViewerPipeline: this thread resolves which operations map to code,
// passes the payload bytes on after the view says `ready`, and answers the view's requests (go to source, open
// linked trace, compare, export).
import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { randomBytes } from 'node:crypto';
import type { Span, Trace } from '../../core/model/trace';
import type { ViewerPipeline } from '../../core/export/viewerWorkerPipeline';
import { operationKey, type FindingsForCode, type LoadedTrace, type OperationSample, type TraceRequest } from '../../core/export/viewerWorkerProtocol';
import { parseTraceIdInput } from '../../core/model/traceIdInput';
import { normalizeTraceId } from '../../core/model/ids';
import { isViewerState, isViewToHostMessage, type EncodedHostToViewMessage, type HostToViewMessage, type ViewerState, type ViewToHostMessage } from '../../shared/protocol';
import type { OpenedTrace, TraceOrigin, TracePresenter } from '../tracePresenter';
import { renderPanelHtml } from './panelHtml';

/**
 * What the panel needs from the rest of the extension. `L` is whatever the lens mapping calls a code location;
 * the panel only passes it from `resolveSourceLocation` to `openSource`.
 */
export interface TraceViewerDeps<L = unknown> {
  readonly log: vscode.LogOutputChannel;
  /** Builds payloads and analyses in the viewer's worker thread. */
  readonly pipeline: ViewerPipeline;
  /**
   * How the worker can fetch a trace itself (restoring a panel, a linked trace, a trace to compare with); undefined
   * when only `getTrace` can (the built-in receiver holds its traces on this thread).
   */
  traceRequest?(traceId: string, source: string | undefined): Promise<TraceRequest | undefined>;
  /** Fetch a trace on this thread, where `traceRequest` gives no request. `source` is the description the panel was shown with. */
  getTrace(traceId: string, source: string | undefined, signal: AbortSignal): Promise<Trace>;
  /** Where the code that produced this span is, via the lens mapping; undefined when it is not known. */
  resolveSourceLocation(span: Span): L | undefined | Promise<L | undefined>;
  openSource(location: L): void | Promise<void>;
  /** Optional: let the user pick a trace to compare with. Without it, "Compare with…" asks for a trace id. */
  pickCompareTrace?(currentTraceId: string, signal: AbortSignal): Promise<{ readonly trace: Trace; readonly source: string } | undefined>;
}

export interface TraceViewerInput {
  /** A trace in memory on this thread, or one already loaded into the viewer's worker (then the panel owns it). */
  readonly trace: Trace | LoadedTrace;
  /** Where it came from (TraceOrigin.source), kept in the panel state for restoring. */
  readonly source: string;
  /** A trace to compare with: in memory, loaded, or a trace id to fetch from `source`. */
  readonly compare?: { readonly trace: Trace | LoadedTrace | string; readonly source: string };
  /** Select this span once shown. */
  readonly revealSpanId?: string;
}

interface Shown {
  readonly loaded: LoadedTrace;
  readonly source: string;
  /** TracePayload as UTF-8 JSON, once built; for a large trace without analysis. */
  payload?: Uint8Array;
  /** AnalysisPayload as UTF-8 JSON, for a payload built without one. */
  analysis?: Uint8Array;
  /** Source locations per service+operation, resolved before the payload was built. */
  readonly locations: Map<string, unknown>;
  compare?: { readonly loaded: LoadedTrace; readonly source: string; readonly payload: Uint8Array };
}

const VIEW_TYPE = 'spanlens.traceViewer';

const isLoaded = (t: Trace | LoadedTrace): t is LoadedTrace => 'handle' in t;

export class TraceViewerPanel {
  static readonly viewType = VIEW_TYPE;
  private static readonly open = new Set<TraceViewerPanel>();
  private shown: Shown | undefined;
  private ready = false;
  private pendingReveal: string | undefined;
  private restoreState: ViewerState | undefined;
  private readonly abort = new AbortController();
  private readonly disposables: vscode.Disposable[] = [];
  private settleFindings: (findings: FindingsForCode | undefined) => void = () => undefined;
  /** The N+1 and propagation findings of the shown trace, once its analysis is done; undefined if it failed. */
  readonly findings = new Promise<FindingsForCode | undefined>((resolve) => (this.settleFindings = resolve));

  /** Opens a new panel showing the trace (beside the active editor). */
  static show<L>(extensionUri: vscode.Uri, input: TraceViewerInput, deps: TraceViewerDeps<L>): TraceViewerPanel {
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, panelTitle(rootOf(input.trace), traceIdOf(input.trace)), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewOptions(extensionUri));
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
      viewer.settleFindings(undefined);
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
    return this.shown?.loaded.traceId;
  }

  /** The open panel showing this trace of this source, if any (a trace is one tab, as an editor is). */
  static showing(traceId: string, source: string): { readonly panel: TraceViewerPanel; readonly loaded: LoadedTrace } | undefined {
    for (const panel of TraceViewerPanel.open) {
      const shown = panel.shown;
      if (shown && !shown.compare && shown.loaded.traceId === traceId && shown.source === source) return { panel, loaded: shown.loaded };
    }
    return undefined;
  }

  /** Select a span in this panel. */
  revealSpan(spanId: string): void {
    if (this.ready && this.shown?.payload) this.post({ type: 'revealSpan', spanId });
    else this.pendingReveal = spanId;
  }

  private get pipeline(): ViewerPipeline {
    return this.deps.pipeline;
  }

  private async load(input: TraceViewerInput): Promise<void> {
    const started = Date.now();
    const what = traceIdOf(input.trace);
    let compareStarted = false;
    try {
      const loaded = isLoaded(input.trace) ? input.trace : await this.pipeline.load(input.trace, this.abort.signal);
      if (this.abort.signal.aborted) {
        this.pipeline.release(loaded);
        return;
      }
      // The panel keeps only the handle: spans are asked of the worker, so the host's heap does not hold the trace.
      const shown: Shown = { loaded, source: input.source, locations: new Map() };
      this.shown = shown;
      this.panel.title = panelTitle(loaded.root, loaded.traceId);
      if (input.revealSpanId !== undefined) this.pendingReveal = input.revealSpanId;
      // The comparison is built once the trace is on screen: the worker does one thing at a time.
      let compare: Promise<void> = Promise.resolve();
      const startCompare = (): void => {
        if (input.compare && !compareStarted) compare = this.loadCompare(shown, input.compare);
        compareStarted = true;
      };
      const findings = await this.pipeline.show(
        loaded,
        input.source,
        {
          hasSource: (operation) => this.resolveOperation(operation, shown.locations),
          payload: (bytes, analyzed) => {
            shown.payload = bytes;
            this.deps.log.info(`Trace viewer: ${loaded.traceId}: ${loaded.spanCount} spans ready to show after ${Date.now() - started} ms${analyzed ? ' (analysed)' : ''}`);
            if (this.ready && this.shown === shown) this.sendTrace();
            startCompare();
          },
          analysis: (bytes) => {
            shown.analysis = bytes;
            this.deps.log.info(`Trace viewer: ${loaded.traceId}: analysed after ${Date.now() - started} ms`);
            if (this.ready && this.shown === shown) this.post({ type: 'analysis', traceId: loaded.traceId, analysis: bytes });
          },
        },
        this.abort.signal,
      );
      this.settleFindings(findings);
      await compare;
    } catch (e) {
      this.settleFindings(undefined);
      this.fail(`Could not show trace ${what}`, e);
    } finally {
      // A comparison already loaded into the worker that will not be shown now.
      const unshown = input.compare?.trace;
      if (!compareStarted && unshown !== undefined && typeof unshown !== 'string' && isLoaded(unshown)) this.pipeline.release(unshown);
    }
  }

  private async loadCompare(shown: Shown, compare: NonNullable<TraceViewerInput['compare']>): Promise<void> {
    try {
      const input = compare.trace;
      const loaded = typeof input === 'string' ? await this.loadById(input, compare.source) : isLoaded(input) ? input : await this.pipeline.load(input, this.abort.signal);
      await this.setCompare(shown, loaded, compare.source);
    } catch (e) {
      // The trace stays on screen; say what failed beside it.
      if (this.abort.signal.aborted) return;
      this.deps.log.error(`Trace viewer: compare with ${traceIdOf(compare.trace)}: ${describe(e)}`);
      void vscode.window.showErrorMessage(`Span Lens: could not show trace ${traceIdOf(compare.trace)} to compare with: ${describe(e)}`);
    }
  }

  /** Builds the comparison payload and shows it (replacing an earlier comparison, whose trace the worker drops). */
  private async setCompare(shown: Shown, loaded: LoadedTrace, source: string): Promise<void> {
    try {
      const payload = await this.pipeline.comparePayload(loaded, source, this.abort.signal);
      if (this.abort.signal.aborted || this.shown !== shown) {
        this.pipeline.release(loaded);
        return;
      }
      if (shown.compare) this.pipeline.release(shown.compare.loaded);
      shown.compare = { loaded, source, payload };
      if (this.ready && shown.payload) this.post({ type: 'compare', payload });
    } catch (e) {
      this.pipeline.release(loaded);
      throw e;
    }
  }

  private async restore(state: ViewerState): Promise<void> {
    this.post({ type: 'loading', message: `Loading trace ${state.traceId}…` });
    try {
      const trace = await this.loadById(state.traceId, state.source);
      const compareSource = state.compareSource ?? state.source;
      // The comparison is fetched when the trace is shown (a failure there leaves the trace on screen).
      const compare = state.compareTraceId !== undefined ? { trace: state.compareTraceId, source: compareSource } : undefined;
      await this.load({ trace, source: state.source, ...(compare ? { compare } : {}) });
    } catch (e) {
      this.settleFindings(undefined);
      this.fail(`Could not reload trace ${state.traceId}`, e);
    }
  }

  /** Fetches a trace into the worker: there when the source allows it, else on this thread and posted in slices. */
  private async loadById(traceId: string, source: string | undefined, signal: AbortSignal = this.abort.signal): Promise<LoadedTrace> {
    const request = await this.deps.traceRequest?.(traceId, source);
    return this.pipeline.load(request ?? (await this.deps.getTrace(traceId, source, signal)), signal);
  }

  /** Resolves the code location of one distinct service+operation (kept for go to source); true when found. */
  private async resolveOperation({ key, span }: OperationSample, locations: Map<string, unknown>): Promise<boolean> {
    try {
      const location = await this.deps.resolveSourceLocation(span);
      if (location === undefined) return false;
      locations.set(key, location);
      return true;
    } catch (e) {
      this.deps.log.warn(`Trace viewer: resolving the code of ${span.service} ${span.name} failed: ${describe(e)}`);
      return false;
    }
  }

  private sendTrace(): void {
    const shown = this.shown;
    if (!shown?.payload) return;
    const state = this.restoreState?.traceId === shown.loaded.traceId ? this.restoreState : undefined;
    this.post({ type: 'trace', payload: shown.payload, ...(state ? { state } : {}) });
    if (shown.analysis) this.post({ type: 'analysis', traceId: shown.loaded.traceId, analysis: shown.analysis });
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
    const shown = this.shown;
    if (!shown) return;
    const span = await this.pipeline.worker.span(shown.loaded.handle, spanId, this.abort.signal);
    if (!span) return;
    const location = shown.locations.get(operationKey(span)) ?? (await this.deps.resolveSourceLocation(span));
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
      const loaded = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Span Lens: fetching linked trace ${id}`, cancellable: true }, (_p, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return this.loadById(id, source, AbortSignal.any([controller.signal, this.abort.signal]));
      });
      TraceViewerPanel.show(this.extensionUri, { trace: loaded, source: source ?? '', ...(spanId ? { revealSpanId: spanId } : {}) }, this.deps);
    } catch (e) {
      this.deps.log.error(`Trace viewer: open linked trace ${id}: ${describe(e)}`);
      void vscode.window.showErrorMessage(`Span Lens: could not open linked trace ${id}: ${describe(e)}`);
    }
  }

  private async requestCompare(): Promise<void> {
    const shown = this.shown;
    if (!shown) return;
    let picked: { trace: Trace | LoadedTrace; source: string } | undefined;
    if (this.deps.pickCompareTrace) {
      picked = await this.deps.pickCompareTrace(shown.loaded.traceId, this.abort.signal);
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
        picked = { trace: await this.loadById(id, shown.source), source: shown.source };
      } catch (e) {
        void vscode.window.showErrorMessage(`Span Lens: could not fetch trace ${id}: ${describe(e)}`);
        return;
      }
    }
    if (!picked) return;
    const loaded = isLoaded(picked.trace) ? picked.trace : await this.pipeline.load(picked.trace, this.abort.signal);
    await this.setCompare(shown, loaded, picked.source);
  }

  private async exportHtml(): Promise<void> {
    const shown = this.shown;
    if (!shown) return;
    const target = await vscode.window.showSaveDialog({
      title: 'Span Lens: Export trace as HTML',
      defaultUri: vscode.Uri.file(`trace-${shown.loaded.traceId}.html`),
      filters: { 'HTML page': ['html'] },
    });
    if (!target) return;
    // The exported page has no host: the worker builds it without "maps to code" flags, its buttons could do nothing there.
    const html = await this.pipeline.worker.exportHtml(
      { handle: shown.loaded.handle, source: shown.source },
      shown.compare ? { handle: shown.compare.loaded.handle, source: shown.compare.source } : undefined,
      this.extensionUri.fsPath,
      this.abort.signal,
    );
    await vscode.workspace.fs.writeFile(target, html);
    this.deps.log.info(`Trace viewer: exported trace ${shown.loaded.traceId} to ${target.fsPath}`);
    void vscode.window.showInformationMessage(`Span Lens: saved ${target.fsPath}`);
  }

  /** Payloads go as bytes (EncodedHostToViewMessage): VS Code does not JSON-stringify them on this thread. */
  private post(message: HostToViewMessage | EncodedHostToViewMessage): void {
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
    if (this.shown) this.pipeline.release(this.shown.loaded);
    if (this.shown?.compare) this.pipeline.release(this.shown.compare.loaded);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Shows traces in viewer panels: one trace directly, several through a pick list. */
export class TraceViewerPresenter<L = unknown> implements TracePresenter {
  private readonly findingsByTrace = new WeakMap<Trace, Promise<FindingsForCode | undefined>>();

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
    this.findingsByTrace.set(trace, TraceViewerPanel.show(this.extensionUri, { trace, source: origin.source }, this.deps).findings);
  }

  /** The N+1 and propagation findings the viewer's analysis of a shown trace found (undefined: not shown, or failed). */
  analysisOf(trace: Trace): Promise<FindingsForCode | undefined> {
    return this.findingsByTrace.get(trace) ?? Promise.resolve(undefined);
  }

  /** Fetched, parsed and analysed in the worker: the trace never comes onto this thread. */
  async showById(traceId: string, origin: TraceOrigin, signal?: AbortSignal): Promise<ShownById | undefined> {
    const open = TraceViewerPanel.showing(normalizeTraceId(traceId), origin.source);
    if (open) {
      open.panel.panel.reveal(undefined, false);
      return this.shownById(open.loaded, open.panel);
    }
    const request = await this.deps.traceRequest?.(traceId, origin.source);
    if (!request) return undefined;
    const loaded = await this.deps.pipeline.load(request, signal);
    return this.shownById(loaded, TraceViewerPanel.show(this.extensionUri, { trace: loaded, source: origin.source }, this.deps));
  }

  private shownById(loaded: LoadedTrace, panel: TraceViewerPanel): ShownById {
    const worker = this.deps.pipeline.worker;
    return {
      traceId: loaded.traceId,
      spanCount: loaded.spanCount,
      findings: panel.findings,
      // The panel owns the loaded trace; once it is closed and released, look-ups answer undefined.
      spanOf: (spanId) => worker.span(loaded.handle, spanId).catch(() => undefined),
    };
  }
}

/** A trace the viewer fetched itself, with what the editor needs to put its findings on code. */
export interface ShownById extends OpenedTrace {
  readonly findings: Promise<FindingsForCode | undefined>;
  spanOf(spanId: string): Promise<Span | undefined>;
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

type RootName = LoadedTrace['root'];

/** The first span without a parent, else the first span (one pass; stops at the first root). */
function rootOf(trace: Trace | LoadedTrace): RootName {
  if (isLoaded(trace)) return trace.root;
  const root = trace.spans.find((s) => s.parentSpanId === undefined) ?? trace.spans[0];
  return root ? { service: root.service, name: root.name } : undefined;
}

function traceIdOf(trace: Trace | LoadedTrace | string): string {
  return typeof trace === 'string' ? trace : trace.traceId;
}

function rootLabel(trace: Trace): string {
  const root = rootOf(trace);
  return root ? `${root.service}: ${root.name}` : 'empty trace';
}

function panelTitle(root: RootName, traceId: string): string {
  const name = root ? root.name : 'empty trace';
  return `Trace ${traceId.slice(-8)} · ${name.length > 40 ? `${name.slice(0, 39)}…` : name}`;
}

function describe(e: unknown): string {
  return describeError(e);
}

function describeShape(x: unknown): string {
  if (typeof x !== 'object' || x === null) return typeof x;
  const type = (x as { type?: unknown }).type;
  return `type ${typeof type === 'string' ? type.slice(0, 40) : typeof type}`;
}
