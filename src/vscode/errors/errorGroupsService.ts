import * as vscode from 'vscode';
import { ErrorGroupsProvider, type ErrorGroupsReport } from '../../core/exceptions/errorGroupsProvider';
import type { ErrorGroup } from '../../core/exceptions/errorGroups';
import { WorkspaceFrameResolver, type WorkspaceFiles } from '../../core/exceptions/workspaceFrames';
import { windowPhrase } from '../../core/exceptions/errorWording';
import { parsePathMappings } from '../../core/code/pathMapping';
import { skippedSourceFolders } from '../../core/code/languages/languageIds';
import { parseDurationUs } from '../../core/sources/duration';
import type { ConfigWatcher } from '../config';
import type { SourceManager } from '../sourceManager';

const EXCLUDE_GLOB = `**/{${skippedSourceFolders().join(',')}}/**`;
/** Refreshes that arrive together (a receiver batch, the lens timer, a save) make one fetch. */
const DEBOUNCE_MS = 500;

export type ErrorGroupsState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading'; readonly previous?: ErrorGroupsReport }
  | { readonly kind: 'ready'; readonly report: ErrorGroupsReport }
  | { readonly kind: 'failed'; readonly message: string; readonly previous?: ErrorGroupsReport };

/** Globs treat `[`, `{`, `*`, `?` specially: a file name with them is matched literally. */
function globLiteral(name: string): string {
  return name.replace(/[[\]{}*?]/g, (c) => `[${c}]`);
}

async function readText(file: string): Promise<string | undefined> {
  const uri = vscode.Uri.file(file);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/**
 * The error groups of the current source, for the Errors view, the diagnostics and the lens hovers: fetched again
 * when the lenses refresh (their interval, new spans in the built-in receiver, Refresh Latency), when the source or
 * the settings change. Each fetch replaces the groups, so a group whose traces have left the window goes.
 */
export class ErrorGroupsService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ErrorGroupsState>();
  readonly onDidChange = this.changed.event;
  private stateValue: ErrorGroupsState = { kind: 'idle' };
  private provider: { readonly source: unknown; readonly lookback: string; readonly value: ErrorGroupsProvider } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<ErrorGroupsState> | undefined;
  private again = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly sources: SourceManager,
    private readonly config: ConfigWatcher,
    private readonly log: vscode.LogOutputChannel,
    refreshes: readonly vscode.Event<unknown>[],
  ) {
    for (const event of [sources.onDidChangeSource, config.onDidChange, ...refreshes]) this.disposables.push(event(() => this.schedule()));
    this.disposables.push(sources.onDidChangeState((s) => s.kind === 'connected' && this.schedule()));
  }

  get state(): ErrorGroupsState {
    return this.stateValue;
  }

  /** The groups of the last successful fetch (kept while a new one runs or after one failed). */
  get report(): ErrorGroupsReport | undefined {
    const s = this.stateValue;
    return s.kind === 'ready' ? s.report : s.kind === 'idle' ? undefined : s.previous;
  }

  /** `in the last hour`, or `in the trace file` for a file source. */
  get window(): string {
    return this.isFileSource() ? windowPhrase(undefined) : windowPhrase(this.config.current.lookback);
  }

  groupById(id: string): ErrorGroup | undefined {
    return this.report?.groups.find((g) => g.id === id);
  }

  /** Fetches now (joining a fetch in flight) and returns the new state. */
  refresh(): Promise<ErrorGroupsState> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) {
      // A refresh asked for while one runs gets a fetch that starts after it: the data it wants may be newer.
      this.again = true;
      return this.running.then(() => this.refresh());
    }
    this.again = false;
    this.running = this.fetch().finally(() => {
      this.running = undefined;
      if (this.again) this.schedule();
    });
    return this.running;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, DEBOUNCE_MS);
  }

  private isFileSource(): boolean {
    const s = this.config.current.source;
    return s !== 'jaeger' && s !== 'builtin';
  }

  private set(state: ErrorGroupsState): ErrorGroupsState {
    this.stateValue = state;
    this.changed.fire(state);
    return state;
  }

  private async fetch(): Promise<ErrorGroupsState> {
    const previous = this.report;
    const source = this.sources.state;
    // A source known to be down is not asked again every refresh; the status bar already says why.
    if (source.kind === 'unreachable') return this.set({ kind: 'failed', message: source.detail, ...(previous ? { previous } : {}) });
    this.set({ kind: 'loading', ...(previous ? { previous } : {}) });
    try {
      const provider = await this.providerFor();
      provider.invalidate();
      this.frames = this.newFrameResolver();
      const report = await provider.report(undefined, AbortSignal.timeout(this.config.current.requestTimeoutMs * 6));
      for (const f of report.failures) this.log.warn(`Errors: searching ${f.service} failed: ${f.message}`);
      this.log.info(`Errors: ${report.groups.length} groups in ${report.tracesScanned} traces with errors (${report.servicesSearched.length} services searched)`);
      return this.set({ kind: 'ready', report });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.warn(`Errors: ${message}`);
      return this.set({ kind: 'failed', message, ...(previous ? { previous } : {}) });
    }
  }

  private async providerFor(): Promise<ErrorGroupsProvider> {
    const source = await this.sources.source();
    const lookback = this.isFileSource() ? 'all' : this.config.current.lookback;
    if (this.provider && this.provider.source === source && this.provider.lookback === lookback) return this.provider.value;
    const lookbackMs = lookback === 'all' ? Infinity : (parseDurationUs(lookback) ?? 3_600_000_000) / 1000;
    const value = new ErrorGroupsProvider(source, {
      lookbackMs,
      cacheTtlMs: 0,
      locate: (o) => (o.stack && this.frames ? this.frames.topFrame(o.stack) : Promise.resolve(undefined)),
    });
    this.provider = { source, lookback, value };
    return value;
  }

  /** Places frames for the fetch in progress; files move and mappings change, so each fetch has its own. */
  private frames: WorkspaceFrameResolver | undefined;

  private newFrameResolver(): WorkspaceFrameResolver {
    const files: WorkspaceFiles = {
      mappings: parsePathMappings(this.config.current.pathMappings),
      filesNamed: async (base) => (await vscode.workspace.findFiles(`**/${globLiteral(base)}`, EXCLUDE_GLOB, 50)).map((u) => u.fsPath),
      readFile: readText,
    };
    return new WorkspaceFrameResolver(files);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
