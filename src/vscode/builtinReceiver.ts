import * as vscode from 'vscode';
import { OtlpReceiver } from '../core/sources/receiver/otlpReceiver';
import { ReceiverTraceSource } from '../core/sources/receiver/receiverTraceSource';
import { probeOtlpPort } from '../core/sources/receiver/portProbe';
import type { TraceSource } from '../core/sources/traceSource';
import { receiverStoreTooltip } from '../core/sources/receiver/storeReport';
import type { ExtraSourceProvider } from './sourceManager';
import type { SpanLensConfig } from './config';
import type { SourceStatusBar } from './statusBar';
import { CONFIG_SECTION } from './config';

interface ReceiverSettings {
  readonly port: number;
  readonly maxSpans: number;
  readonly maxMemoryMiB: number;
  readonly persist: boolean;
}

function readReceiverSettings(): ReceiverSettings {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION);
  return {
    port: c.get<number>('receiver.port', 4318),
    maxSpans: Math.max(1000, c.get<number>('receiver.maxSpans', 500_000)),
    maxMemoryMiB: Math.max(16, c.get<number>('receiver.maxMemoryMiB', 1024)),
    persist: c.get<boolean>('receiver.persist', true),
  };
}

/**
 * The built-in OTLP receiver as a trace source: started when `spanlens.source` is `builtin` (on first use), stopped
 * when another source is chosen or the extension deactivates. Its store's fill and cap show in the status bar tooltip;
 * new spans refresh the lenses (at most every few seconds).
 */
export class BuiltinReceiverProvider implements ExtraSourceProvider, vscode.Disposable {
  readonly id = 'builtin';
  private running: { receiver: OtlpReceiver; source: ReceiverTraceSource; settings: ReceiverSettings; unsubscribe: () => void } | undefined;
  private starting: Promise<TraceSource> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly storageUri: vscode.Uri,
    private readonly statusBar: SourceStatusBar,
    private readonly log: vscode.LogOutputChannel,
    private readonly onNewSpans: () => void,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration(async (e) => {
        if (!e.affectsConfiguration('spanlens.source') && !e.affectsConfiguration('spanlens.receiver')) return;
        const source = vscode.workspace.getConfiguration(CONFIG_SECTION).get<string>('source', 'jaeger');
        if (source !== 'builtin') await this.stop();
        else if (e.affectsConfiguration('spanlens.receiver')) await this.stop();
      }),
    );
  }

  /** The receiver's endpoint while it runs, e.g. http://127.0.0.1:4318 (tests and the demo read it). */
  get endpoint(): string | undefined {
    return this.running?.receiver.endpoint;
  }

  open(_config: SpanLensConfig): Promise<TraceSource> {
    if (this.running) return Promise.resolve(this.running.source);
    this.starting ??= this.start().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async start(): Promise<TraceSource> {
    const settings = readReceiverSettings();
    await vscode.workspace.fs.createDirectory(this.storageUri);
    let receiver: OtlpReceiver;
    let evictionLogged = false;
    try {
      receiver = await OtlpReceiver.start({
        port: settings.port,
        limits: { maxSpans: settings.maxSpans, maxBytes: settings.maxMemoryMiB * 1048576 },
        ...(settings.persist ? { persistTo: vscode.Uri.joinPath(this.storageUri, 'received-traces.json').fsPath } : {}),
        log: (m) => this.log.info(`Receiver: ${m}`),
        onExport: (o) => {
          if (o.status !== 200) this.log.warn(`Receiver: refused an export (${o.status}): ${o.message}`);
          else if (o.rejectedSpans > 0 || (o.message && o.evictedSpans === 0)) this.log.warn(`Receiver: ${o.message}`);
          else if (o.evictedSpans > 0 && !evictionLogged) {
            // Once full, every export evicts: logged once; the tooltip keeps the count.
            evictionLogged = true;
            this.log.info(`Receiver: ${o.message}`);
          }
        },
      });
    } catch (e) {
      await this.explainPortProblem(settings.port, e);
      throw e;
    }
    for (const w of receiver.warnings) this.log.warn(`Receiver: ${w}`);
    const source = new ReceiverTraceSource(receiver);
    const unsubscribe = receiver.store.onDidChange(() => this.storeChanged());
    this.running = { receiver, source, settings, unsubscribe };
    this.log.info(`Built-in OTLP receiver listening on ${receiver.endpoint} (send traces to ${receiver.tracesUrl})`);
    this.updateTooltip();
    return source;
  }

  /** The port is taken: say by what, and offer Jaeger when one answers there. */
  private async explainPortProblem(port: number, error: unknown): Promise<void> {
    const probe = await probeOtlpPort({ port }).catch(() => undefined);
    const message = `${error instanceof Error ? error.message : String(error)}${probe ? ` ${probe.detail}` : ''}`;
    this.log.error(message);
    const actions = probe?.jaegerQueryUrl ? ['Use That Jaeger', 'Open Settings'] : ['Open Settings'];
    void vscode.window.showErrorMessage(`Span Lens: ${message}`, ...actions).then(async (choice) => {
      if (choice === 'Use That Jaeger' && probe?.jaegerQueryUrl) {
        await vscode.commands.executeCommand('spanlens.selectTraceSource', { kind: 'jaeger', url: probe.jaegerQueryUrl });
      } else if (choice === 'Open Settings') {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'spanlens.receiver');
      }
    });
  }

  private storeChanged(): void {
    this.updateTooltip();
    if (this.refreshTimer) return;
    // A busy app sends a batch every few seconds; lenses need not redraw more often than that.
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.onNewSpans();
    }, 3000);
  }

  private updateTooltip(): void {
    const r = this.running;
    if (!r) {
      this.statusBar.setExtraTooltip(undefined);
      return;
    }
    this.statusBar.setExtraTooltip(receiverStoreTooltip(r.receiver.endpoint, r.receiver.store.stats()));
  }

  private async stop(): Promise<void> {
    const r = this.running;
    this.running = undefined;
    if (!r) return;
    r.unsubscribe();
    this.statusBar.setExtraTooltip(undefined);
    try {
      await r.receiver.stop();
      this.log.info('Built-in OTLP receiver stopped');
    } catch (e) {
      this.log.warn(`Stopping the receiver: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async dispose(): Promise<void> {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const s of this.subscriptions) s.dispose();
    await this.stop();
  }
}
