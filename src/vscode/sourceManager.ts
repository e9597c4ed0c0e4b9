import * as vscode from 'vscode';
import type { TraceSource, SourceHealth } from '../core/sources/traceSource';
import { openTraceSource } from '../core/sources/openSource';
import { looksLikeZipkinUrl } from '../core/sources/zipkin/zipkinSource';
import { describeError, isSpanLensError } from '../core/errors';
import { displayUrl } from '../core/text/displayUrl';
import { escapeControlChars } from '../core/text/quoteForDisplay';
import type { ConfigWatcher, SpanLensConfig } from './config';

export const JAEGER_TOKEN_SECRET = 'spanlens.jaeger.token';

export type SourceState =
  | { readonly kind: 'checking'; readonly description: string }
  | { readonly kind: 'connected'; readonly description: string; readonly detail: string }
  | { readonly kind: 'unreachable'; readonly description: string; readonly detail: string };

/** Something that provides sources other than Jaeger and files (the built-in receiver). */
export interface ExtraSourceProvider {
  readonly id: string;
  open(config: SpanLensConfig): Promise<TraceSource>;
}

/**
 * Owns the trace source chosen in the settings: rebuilds it when settings or the token change, checks its health
 * (on change, on demand and on an interval) and reports state changes once, not on every check.
 */
export class SourceManager implements vscode.Disposable {
  private sourcePromise: Promise<TraceSource> | undefined;
  private stateValue: SourceState;
  private readonly stateEmitter = new vscode.EventEmitter<SourceState>();
  private readonly sourceEmitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  private healthTimer: ReturnType<typeof setInterval> | undefined;
  private checkGeneration = 0;
  private readonly extraProviders = new Map<string, ExtraSourceProvider>();
  /** The last failure message shown to the user, so a flapping source does not cascade notifications. */
  private lastShownError: string | undefined;
  /** Every message shown as a notification (newest last, bounded): the integration tests read it. */
  readonly shownErrors: string[] = [];
  /** Failures logged (one line per distinct message while the source is down): the integration tests read it. */
  loggedErrors = 0;
  /** Messages already logged since the source last answered, with how many repeats were not logged. */
  private readonly repeatedErrors = new Map<string, number>();
  /** When a failure last asked for a health check, so a burst of failing lenses asks once. */
  private lastFailureCheckMs = 0;
  /** The faster timer that looks for the source to come back while it is unreachable. */
  private recoveryTimer: ReturnType<typeof setInterval> | undefined;

  readonly onDidChangeState = this.stateEmitter.event;
  /** Fired when the source object itself changed (new URL, new file): caches keyed on it must drop. */
  readonly onDidChangeSource = this.sourceEmitter.event;

  constructor(
    private readonly config: ConfigWatcher,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    private readonly healthIntervalMs = 30_000,
    private readonly recoveryIntervalMs = 5_000,
  ) {
    this.stateValue = { kind: 'checking', description: describeSpec(config.current) };
    this.disposables.push(
      config.onDidChange(() => this.reset('settings changed')),
      secrets.onDidChange((e) => {
        if (e.key === JAEGER_TOKEN_SECRET) this.reset('token changed');
      }),
    );
    this.healthTimer = setInterval(() => void this.checkHealth(), healthIntervalMs);
  }

  registerProvider(provider: ExtraSourceProvider): vscode.Disposable {
    this.extraProviders.set(provider.id, provider);
    if (this.config.current.source === provider.id) this.reset(`${provider.id} source available`);
    return new vscode.Disposable(() => this.extraProviders.delete(provider.id));
  }

  get state(): SourceState {
    return this.stateValue;
  }

  /** The current source; rejects with a SpanLensError when it cannot be opened (bad URL, missing file). */
  source(): Promise<TraceSource> {
    if (!this.sourcePromise) {
      const opening = this.open(this.config.current);
      this.sourcePromise = opening;
      // A failure (port in use, unreadable file) is not remembered: the next health check or Retry tries again.
      opening.catch(() => {
        if (this.sourcePromise === opening) this.sourcePromise = undefined;
      });
    }
    return this.sourcePromise;
  }

  /** Checks reachability now and updates the state. Never rejects. */
  async checkHealth(): Promise<SourceState> {
    const generation = ++this.checkGeneration;
    let description = describeSpec(this.config.current);
    let health: SourceHealth;
    try {
      const source = await this.source();
      health = await source.health(AbortSignal.timeout(this.config.current.requestTimeoutMs));
      // A URL is Jaeger or Zipkin, learned from its answers: once it answered as Zipkin, say so.
      if (health.reachable && source.description.startsWith('Zipkin ')) description = source.description;
    } catch (e) {
      health = { reachable: false, detail: describeError(e) };
    }
    // A newer check (after a settings change) wins over a slow older one.
    if (generation !== this.checkGeneration) return this.stateValue;
    const next: SourceState = health.reachable
      ? { kind: 'connected', description, detail: health.detail }
      : { kind: 'unreachable', description, detail: health.detail };
    this.setState(next);
    return next;
  }

  /**
   * Shows a source failure once and logs each distinct message once until the source answers again (every lens of a
   * workspace fails the same way when Jaeger stops: one line, not one per lens per refresh). A failure that says the
   * source is gone checks its health at once, so the status bar says so within seconds, not at the next interval.
   */
  reportError(e: unknown, what: string): void {
    const message = describeError(e);
    const repeats = this.repeatedErrors.get(message);
    if (repeats === undefined) {
      this.repeatedErrors.set(message, 0);
      this.loggedErrors++;
      this.log.error(`${what}: ${message}`);
    } else {
      this.repeatedErrors.set(message, repeats + 1);
    }
    if (isSpanLensError(e) && (e.kind === 'unreachable' || e.kind === 'timeout') && this.stateValue.kind === 'connected') {
      const now = Date.now();
      if (now - this.lastFailureCheckMs > 2_000) {
        this.lastFailureCheckMs = now;
        void this.checkHealth();
      }
    }
    if (message === this.lastShownError) return;
    this.lastShownError = message;
    this.shownErrors.push(message);
    if (this.shownErrors.length > 50) this.shownErrors.shift();
    void vscode.window.showErrorMessage(`Span Lens: ${message}`, 'Open Settings', 'Show Log', 'Retry').then((choice) => {
      if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'spanlens');
      else if (choice === 'Show Log') this.log.show();
      else if (choice === 'Retry') {
        this.lastShownError = undefined;
        void this.checkHealth();
      }
    });
  }

  private reset(reason: string): void {
    this.log.info(`Trace source reset (${reason}): ${describeSpec(this.config.current)}`);
    this.sourcePromise = undefined;
    this.lastShownError = undefined;
    this.repeatedErrors.clear();
    this.setState({ kind: 'checking', description: describeSpec(this.config.current) });
    this.sourceEmitter.fire();
    void this.checkHealth();
  }

  private setState(next: SourceState): void {
    const changed = next.kind !== this.stateValue.kind || next.description !== this.stateValue.description;
    this.stateValue = next;
    if (next.kind === 'connected') {
      this.lastShownError = undefined;
      const unlogged = [...this.repeatedErrors.values()].reduce((a, b) => a + b, 0);
      if (unlogged > 0) this.log.info(`${unlogged} repeated failure${unlogged === 1 ? '' : 's'} of the same kind were not logged while the source was down.`);
      this.repeatedErrors.clear();
    }
    if (changed) this.log.info(`Trace source ${next.kind}: ${next.description}${'detail' in next ? ` — ${next.detail}` : ''}`);
    this.watchForRecovery(next.kind === 'unreachable');
    this.stateEmitter.fire(next);
  }

  /** While the source is unreachable it is checked every few seconds, so it comes back without a reload. */
  private watchForRecovery(on: boolean): void {
    if (on && !this.recoveryTimer) this.recoveryTimer = setInterval(() => void this.checkHealth(), this.recoveryIntervalMs);
    if (!on && this.recoveryTimer) {
      clearInterval(this.recoveryTimer);
      this.recoveryTimer = undefined;
    }
  }

  private async open(config: SpanLensConfig): Promise<TraceSource> {
    const extra = this.extraProviders.get(config.source);
    if (extra) return extra.open(config);
    if (config.source === 'builtin') {
      throw new Error('The built-in OTLP receiver is not running. Select another trace source or reload the window.');
    }
    const token = await this.secrets.get(JAEGER_TOKEN_SECRET);
    const spec = config.source === 'jaeger' ? config.jaegerUrl : resolveWorkspacePath(config.source);
    return openTraceSource(spec, {
      timeoutMs: config.requestTimeoutMs,
      headers: config.jaegerHeaders,
      ...(token ? { bearerToken: token } : {}),
    });
  }

  dispose(): void {
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = undefined;
    this.watchForRecovery(false);
    for (const d of this.disposables) d.dispose();
    this.stateEmitter.dispose();
    this.sourceEmitter.dispose();
  }
}

/** The source as shown in the status bar, notifications and the log: never with the URL's credentials. */
export function describeSpec(config: SpanLensConfig): string {
  if (config.source === 'jaeger') return `Jaeger ${displayUrl(config.jaegerUrl)}`;
  if (config.source === 'builtin') return 'built-in OTLP receiver';
  if (/^https?:\/\//i.test(config.source)) return `${looksLikeZipkinUrl(config.source) ? 'Zipkin' : 'trace server'} ${displayUrl(config.source)}`;
  return `file ${escapeControlChars(config.source)}`;
}

/** A relative trace-file path in settings is relative to the first workspace folder. */
function resolveWorkspacePath(path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  if (path.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(path)) return path;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, path).fsPath : path;
}
