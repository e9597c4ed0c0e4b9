import * as vscode from 'vscode';
import { displayUrl } from '../core/text/displayUrl';

/** Every setting Span Lens reads, as one typed snapshot. Mirrors `contributes.configuration` in package.json. */
export interface SpanLensConfig {
  /** 'jaeger' | 'builtin' | a trace file path. */
  readonly source: string;
  readonly jaegerUrl: string;
  readonly jaegerHeaders: Readonly<Record<string, string>>;
  /** As written, e.g. '1h'. */
  readonly lookback: string;
  readonly codeLensEnabled: boolean;
  /** Empty = resolve per file. */
  readonly serviceName: string;
  readonly requestTimeoutMs: number;
  /** `spanlens.pathMappings`: recorded path prefix → workspace folder (variables resolved). */
  readonly pathMappings: Readonly<Record<string, string>>;
}

export const CONFIG_SECTION = 'spanlens';

export function readConfig(): SpanLensConfig {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const headers = c.get<Record<string, unknown>>('jaeger.headers', {});
  return {
    source: c.get<string>('source', 'jaeger').trim() || 'jaeger',
    jaegerUrl: c.get<string>('jaeger.url', 'http://localhost:16686').trim() || 'http://localhost:16686',
    jaegerHeaders: Object.fromEntries(Object.entries(headers ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string')),
    lookback: c.get<string>('lookback', '1h').trim() || '1h',
    codeLensEnabled: c.get<boolean>('codeLens.enabled', true),
    serviceName: c.get<string>('serviceName', '').trim(),
    requestTimeoutMs: Math.max(100, c.get<number>('requestTimeoutMs', 10000)),
    pathMappings: resolvePathMappingVariables(c.get<Record<string, unknown>>('pathMappings', {})),
  };
}

/** Keeps string values and resolves `${workspaceFolder}` (the first folder) in them. */
function resolvePathMappingVariables(value: Record<string, unknown> | undefined): Record<string, string> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const out: Record<string, string> = {};
  for (const [from, to] of Object.entries(value ?? {})) if (typeof to === 'string') out[from] = to.replace(/\$\{workspaceFolder\}/g, folder);
  return out;
}

/**
 * Holds the current snapshot and tells listeners when a Span Lens setting changed, so no feature needs a reload.
 * The effective configuration is logged on every change (what the user set is not always what applies).
 */
export class ConfigWatcher implements vscode.Disposable {
  private snapshot: SpanLensConfig = readConfig();
  private readonly emitter = new vscode.EventEmitter<SpanLensConfig>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.emitter.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.log.info(`Configuration: ${JSON.stringify(redact(this.snapshot))}`);
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(CONFIG_SECTION)) return;
      this.snapshot = readConfig();
      this.log.info(`Configuration changed: ${JSON.stringify(redact(this.snapshot))}`);
      this.emitter.fire(this.snapshot);
    });
  }

  get current(): SpanLensConfig {
    return this.snapshot;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

/** Header values and the URL's user:password may hold credentials: log the header names and the URL without them. */
function redact(config: SpanLensConfig): unknown {
  return { ...config, jaegerUrl: displayUrl(config.jaegerUrl), jaegerHeaders: Object.keys(config.jaegerHeaders) };
}

/** Whether `spanlens.source` names a trace file (a fixed recording: "all time", not the lookback window). */
export function isTraceFileSource(source: string): boolean {
  return source !== 'jaeger' && source !== 'builtin' && !/^https?:\/\//i.test(source.trim());
}
