import * as vscode from 'vscode';
import type { SourceManager, SourceState } from './sourceManager';
import { CommandId } from './commandIds';

/** One status bar item: which trace source is in use and whether it answers. Click: pick source / log. */
export class SourceStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;
  private extraTooltip: string | undefined;

  constructor(private readonly sources: SourceManager) {
    this.item = vscode.window.createStatusBarItem('spanlens.source', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Span Lens trace source';
    this.item.command = CommandId.SourceMenu;
    this.subscription = sources.onDidChangeState((s) => this.render(s));
    this.render(sources.state);
    this.item.show();
  }

  /** Lets a source (the built-in receiver) add a line such as its store's cap. */
  setExtraTooltip(text: string | undefined): void {
    this.extraTooltip = text;
    this.render(this.sources.state);
  }

  /** The visible text, for tests and logs. */
  get text(): string {
    return this.item.text;
  }

  get tooltipText(): string {
    const t = this.item.tooltip;
    return typeof t === 'string' ? t : (t?.value ?? '');
  }

  private render(state: SourceState): void {
    const label = shortLabel(state.description);
    switch (state.kind) {
      case 'checking':
        this.item.text = `$(sync~spin) ${label}`;
        this.item.backgroundColor = undefined;
        break;
      case 'connected':
        this.item.text = `$(pulse) ${label}`;
        this.item.backgroundColor = undefined;
        break;
      case 'unreachable':
        this.item.text = `$(debug-disconnect) ${label}: unreachable`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
    }
    const lines = [`Span Lens — ${state.description}`, `State: ${state.kind}`];
    if ('detail' in state) lines.push(state.detail);
    if (this.extraTooltip) lines.push(this.extraTooltip);
    lines.push('Click to select the trace source or show the log.');
    this.item.tooltip = lines.join('\n');
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}

function shortLabel(description: string): string {
  // "Jaeger http://…", "Zipkin http://…", "trace server http://…" (before the first answer says which): name and host.
  const server = /^(Jaeger|Zipkin|trace server) (\S+)$/.exec(description);
  if (server) {
    try {
      const name = server[1] === 'trace server' ? 'Traces' : server[1]!;
      return `${name} ${new URL(server[2]!).host}`;
    } catch {
      return description;
    }
  }
  if (description.startsWith('file ')) return `Trace file ${description.slice(5).split(/[\\/]/).pop() ?? ''}`;
  if (description === 'built-in OTLP receiver') return 'Built-in receiver';
  return description;
}
