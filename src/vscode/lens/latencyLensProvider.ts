import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { InstrumentedFunction } from '../../core/code/instrumented/types';
import { describeSpanNameMatcher } from '../../core/code/instrumented/spanNameMatcher';
import { LatencyProvider, type LatencyStats } from '../../core/stats/latencyProvider';
import { describeServiceChoice } from '../../core/code/serviceName';
import { linesWithSeveralSpans } from '../../core/code/instrumented/lensOrder';
import { OperationIndex } from '../../core/stats/serviceReporting';
import { parseDurationUs } from '../../core/sources/duration';
import type { CodeIntelClient } from '../codeIntelClient';
import { isTraceFileSource, type ConfigWatcher } from '../config';
import type { SourceManager } from '../sourceManager';
import { signalFromToken } from '../cancellation';
import type { ServiceResolver } from './serviceResolver';
import { distributionMarkdown, lensTitle, parseFigures } from './lensTitle';
import { CommandId } from '../commandIds';

/** Arguments of the command behind a lens: what to list traces for. */
export interface OperationTracesArgs {
  readonly service: string;
  readonly operations: readonly string[];
  readonly spanName: string;
}

/** A span of a lens line as its hover sees it: the service it resolved to and its figures (undefined: unavailable). */
export interface LensHoverSpan {
  readonly fn: InstrumentedFunction;
  readonly service: string | undefined;
  readonly stats: LatencyStats | undefined;
}

/** Markdown (untrusted text escaped) another feature adds to a lens line's hover, or undefined for nothing. */
export type LensHoverSection = (document: vscode.TextDocument, spans: readonly LensHoverSpan[], token: vscode.CancellationToken) => Promise<string | undefined>;

export class LatencyLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly document: vscode.TextDocument,
    readonly fn: InstrumentedFunction,
    /** Several spans start in this function: the title names which one it is about. */
    readonly named = false,
  ) {
    super(range);
  }
}

/** A lens's last figures, shown marked stale while the source fails. */
interface LastFigures {
  readonly title: string;
  readonly atMs: number;
}

/** Lenses remembered at most (oldest forgotten first). */
const MAX_REMEMBERED_FIGURES = 5_000;

interface FunctionsEntry {
  readonly version: number;
  readonly functions: Promise<InstrumentedFunction[]>;
}

/**
 * Latency CodeLens. Ranges come from the code-intelligence worker (cached per document version, so repeated requests
 * cost nothing); figures come from the LatencyProvider's cache in resolveCodeLens. Data refreshes fire
 * onDidChangeCodeLenses.
 */
export class LatencyLensProvider implements vscode.CodeLensProvider<LatencyLens>, vscode.HoverProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly functionsCache = new Map<string, FunctionsEntry>();
  private latency: LatencyProvider | undefined;
  private latencyFor: unknown;
  private knownServices: Promise<string[] | undefined> | undefined;
  private readonly operationIndex: OperationIndex;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly lastFigures = new Map<string, LastFigures>();
  private lastStateKind: string;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly hoverSections: LensHoverSection[] = [];

  constructor(
    private readonly codeIntel: CodeIntelClient,
    private readonly sources: SourceManager,
    private readonly config: ConfigWatcher,
    private readonly services: ServiceResolver,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.operationIndex = new OperationIndex(() => sources.source(), config.current.requestTimeoutMs * 2);
    this.lastStateKind = sources.state.kind;
    this.disposables.push(
      // Back from unreachable (Jaeger restarted, maybe empty): fetch again at once rather than at the next interval.
      sources.onDidChangeState((state) => {
        const was = this.lastStateKind;
        this.lastStateKind = state.kind;
        if (was === 'unreachable' && state.kind === 'connected') this.refresh();
      }),
      config.onDidChange(() => {
        this.services.invalidate();
        this.refresh();
        this.restartTimer();
      }),
      sources.onDidChangeSource(() => {
        // Figures of another source are not this one's, stale or not.
        this.lastFigures.clear();
        this.refresh();
      }),
      vscode.workspace.onDidSaveTextDocument(() => {
        // A saved file may be the one that sets the service (its resource, a .env): resolve again.
        this.services.invalidate();
        this.refresh(false);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.functionsCache.delete(d.uri.toString())),
    );
    this.restartTimer();
  }

  /** Drops cached figures (and, when `data` is false, only asks the editor to re-resolve). */
  refresh(data = true): void {
    if (data) {
      this.latency?.invalidate();
      this.knownServices = undefined;
      this.operationIndex.invalidate();
    }
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<LatencyLens[]> {
    if (!this.config.current.codeLensEnabled) return [];
    let functions: InstrumentedFunction[];
    try {
      functions = await this.functionsOf(document, token);
    } catch (e) {
      if (!(e instanceof vscode.CancellationError)) this.log.warn(`Finding instrumented functions in ${document.uri.fsPath}: ${String(e)}`);
      return [];
    }
    if (!vscode.workspace.getConfiguration('spanlens').get<boolean>('codeLens.showWithoutData', true)) {
      // Hiding empty lenses means knowing the figures before answering; they come from the same cache resolve uses.
      const withData = await Promise.all(
        functions.map((fn) => this.statsFor(document, fn, token).then((r) => r.stats.count > 0, () => true)),
      );
      functions = functions.filter((_, i) => withData[i]);
    }
    return linesWithSeveralSpans(functions).map(({ fn, named }) => {
      const line = fn.nameRange.start.line;
      return new LatencyLens(new vscode.Range(line, 0, line, 0), document, fn, named);
    });
  }

  async resolveCodeLens(lens: LatencyLens, token: vscode.CancellationToken): Promise<LatencyLens> {
    const display = describeSpanNameMatcher(lens.fn.spanName);
    try {
      const { service, stats } = await this.statsFor(lens.document, lens.fn, token);
      if (!service) {
        lens.command = {
          title: `$(question) ${display}: no service name — set spanlens.serviceName`,
          command: 'workbench.action.openSettings',
          arguments: ['spanlens.serviceName'],
        };
        return lens;
      }
      const args: OperationTracesArgs = { service, operations: stats.operations.length > 0 ? stats.operations : [display], spanName: display };
      if (stats.count === 0) {
        lens.command = {
          title: `$(circle-slash) no spans '${display}' in ${service} (last ${this.config.current.lookback})`,
          tooltip: 'Nothing recorded for this span name in the lookback window. Run the code, widen spanlens.lookback or check the service name.',
          command: CommandId.ShowOperationTraces,
          arguments: [args],
        };
        return lens;
      }
      const figures = `${lens.named ? `${display} · ` : ''}${lensTitle(stats, parseFigures(vscode.workspace.getConfiguration('spanlens').get<unknown[]>('codeLens.figures')))}`;
      this.remember(lens, figures);
      lens.command = {
        title: `$(pulse) ${figures}`,
        tooltip: `${display} in ${service}: click for its slowest and failing traces`,
        command: CommandId.ShowOperationTraces,
        arguments: [args],
      };
    } catch (e) {
      if (e instanceof vscode.CancellationError || token.isCancellationRequested) throw new vscode.CancellationError();
      this.sources.reportError(e, `Latency for ${display}`);
      const last = this.lastFigures.get(figuresKey(lens));
      lens.command = last
        ? {
            // The last figures, marked: a source that stops answering should not blank every lens.
            title: `$(history) ${last.title} · stale`,
            tooltip: `Figures from ${new Date(last.atMs).toLocaleTimeString()}: ${this.sources.state.description} does not answer now (${shortMessage(e)}). Click for the log.`,
            command: CommandId.ShowLog,
          }
        : { title: `$(warning) latency unavailable — ${shortMessage(e)}`, command: CommandId.ShowLog };
    }
    return lens;
  }

  private remember(lens: LatencyLens, title: string): void {
    const key = figuresKey(lens);
    this.lastFigures.delete(key);
    this.lastFigures.set(key, { title, atMs: Date.now() });
    if (this.lastFigures.size > MAX_REMEMBERED_FIGURES) this.lastFigures.delete(this.lastFigures.keys().next().value!);
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!this.config.current.codeLensEnabled) return undefined;
    const functions = await this.functionsOf(document, token);
    const onLine = linesWithSeveralSpans(functions.filter((f) => f.nameRange.start.line === position.line));
    if (onLine.length === 0) return undefined;
    // Every span of the line, in the lenses' order.
    const parts: string[] = [];
    const spans: LensHoverSpan[] = [];
    for (const { fn } of onLine) {
      try {
        const { service, stats, serviceReason } = await this.statsFor(document, fn, token);
        spans.push({ fn, service, stats });
        if (service && stats.count > 0) parts.push(distributionMarkdown(stats, describeSpanNameMatcher(fn.spanName), this.config.current.lookback, serviceReason));
      } catch (e) {
        if (e instanceof vscode.CancellationError || token.isCancellationRequested) throw new vscode.CancellationError();
        // No figures (the lens says why); the other sections (errors thrown here) may still have something.
        spans.push({ fn, service: undefined, stats: undefined });
      }
    }
    for (const section of this.hoverSections) {
      const part = await section(document, spans, token);
      if (part) parts.push(part);
    }
    if (parts.length === 0) return undefined;
    const md = new vscode.MarkdownString(parts.join('\n\n---\n\n'));
    md.isTrusted = false;
    md.supportHtml = false;
    return new vscode.Hover(md, new vscode.Range(position.line, 0, position.line, document.lineAt(position.line).text.length));
  }

  /** Adds a section after the figures in the hover of every lens line (one hover, however many features add to it). */
  addHoverSection(section: LensHoverSection): vscode.Disposable {
    this.hoverSections.push(section);
    return new vscode.Disposable(() => {
      const i = this.hoverSections.indexOf(section);
      if (i >= 0) this.hoverSections.splice(i, 1);
    });
  }

  /** The instrumented functions of a document (cached per version), for other commands. */
  functionsOf(document: vscode.TextDocument, token?: vscode.CancellationToken): Promise<InstrumentedFunction[]> {
    const key = document.uri.toString();
    const cached = this.functionsCache.get(key);
    if (cached && cached.version === document.version) return cached.functions;
    const functions = this.codeIntel.call('findInstrumentedFunctions', [document.getText(), document.uri.fsPath, {}]);
    const entry = { version: document.version, functions };
    this.functionsCache.set(key, entry);
    functions.catch(() => {
      if (this.functionsCache.get(key) === entry) this.functionsCache.delete(key);
    });
    return token ? raceCancellation(functions, token) : functions;
  }

  async statsFor(
    document: vscode.TextDocument,
    fn: InstrumentedFunction,
    token?: vscode.CancellationToken,
  ): Promise<{ service: string | undefined; stats: LatencyStats; serviceReason: string }> {
    const provider = await this.provider();
    const cfg = this.config.current;
    const known = await this.listKnownServices();
    const resolution = await this.services.serviceFor(document, cfg.serviceName, fn.tracerName ? [fn.tracerName] : [], known);
    let service = resolution.service;
    let serviceReason = describeServiceChoice(resolution, (f) => vscode.workspace.asRelativePath(f));
    // One package.json for several services (a monorepo, the sample shop), or nothing naming one: when the chosen
    // name is not a service the source knows, the service that reports this span name is the answer, if exactly
    // one does.
    if (known && (service === undefined || !known.includes(service)) && resolution.source !== 'setting') {
      const reporting = await this.operationIndex.serviceReporting([fn.spanName, ...fn.alternativeSpanNames], known);
      if (reporting !== undefined) {
        serviceReason = `the one service reporting this span name${service !== undefined ? ` (${service}, ${serviceReason}, has no spans)` : ''}`;
        service = reporting;
      }
    }
    const stats = await provider.getStats(service ?? '', service ? [fn.spanName, ...fn.alternativeSpanNames] : [], signalFromToken(token, cfg.requestTimeoutMs * 3));
    return { service, stats, serviceReason };
  }

  private async provider(): Promise<LatencyProvider> {
    const source = await this.sources.source();
    const lookbackUs = parseDurationUs(this.config.current.lookback) ?? 3_600_000_000;
    // A trace file is a fixed recording: its figures are "all time", not the last hour.
    const lookbackMs = isTraceFileSource(this.config.current.source) ? Infinity : lookbackUs / 1000;
    const key = [source, lookbackMs];
    if (!this.latency || !sameKey(this.latencyFor, key)) {
      this.latency = new LatencyProvider(source, { lookbackMs });
      this.latencyFor = key;
    }
    return this.latency;
  }

  private listKnownServices(): Promise<string[] | undefined> {
    this.knownServices ??= this.sources
      .source()
      .then((s) => s.services(AbortSignal.timeout(this.config.current.requestTimeoutMs)))
      .catch(() => undefined);
    return this.knownServices;
  }

  private restartTimer(): void {
    if (this.timer) clearInterval(this.timer);
    const seconds = vscode.workspace.getConfiguration('spanlens').get<number>('codeLens.refreshIntervalSeconds', 60);
    this.timer = seconds > 0 ? setInterval(() => this.refresh(), Math.max(5, seconds) * 1000) : undefined;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}

/** A lens's identity across refreshes: its document, line and span name. */
function figuresKey(lens: LatencyLens): string {
  return `${lens.document.uri.toString()}\u0000${lens.fn.nameRange.start.line}\u0000${describeSpanNameMatcher(lens.fn.spanName)}`;
}

function sameKey(a: unknown, b: unknown[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((v, i) => v === b[i]);
}

function raceCancellation<T>(promise: Promise<T>, token: vscode.CancellationToken): Promise<T> {
  if (token.isCancellationRequested) return Promise.reject(new vscode.CancellationError());
  return new Promise<T>((resolve, reject) => {
    const sub = token.onCancellationRequested(() => {
      sub.dispose();
      reject(new vscode.CancellationError());
    });
    promise.then(
      (v) => {
        sub.dispose();
        resolve(v);
      },
      (e: unknown) => {
        sub.dispose();
        reject(e);
      },
    );
  });
}

function shortMessage(e: unknown): string {
  const text = describeError(e);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

