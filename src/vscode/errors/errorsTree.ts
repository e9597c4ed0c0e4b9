import * as vscode from 'vscode';
import * as path from 'node:path';
import type { ErrorExample, ErrorGroup } from '../../core/exceptions/errorGroups';
import { groupTitle, quotedText } from '../../core/exceptions/errorGroupRows';
import { formatAge, formatDurationMs } from '../../core/stats/format';
import type { ErrorGroupsService } from './errorGroupsService';
import { CommandId } from '../commandIds';

export type ErrorsNode =
  | { readonly type: 'group'; readonly group: ErrorGroup }
  | { readonly type: 'location'; readonly group: ErrorGroup }
  | { readonly type: 'example'; readonly group: ErrorGroup; readonly which: 'slowest' | 'latest' | 'slowest and latest'; readonly example: ErrorExample }
  | { readonly type: 'message'; readonly text: string; readonly icon: string };

/** Groups listed at most; the rest are counted in a last row (the CLI has them all). */
const MAX_GROUPS = 100;

function sparkline(trend: readonly number[]): string {
  const bars = '▁▂▃▄▅▆▇█';
  const max = Math.max(1, ...trend);
  return trend.map((n) => (n === 0 ? '·' : bars[Math.min(7, Math.floor((n / max) * 7.999))]!)).join('');
}

function workspaceRelative(file: string): string {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
  return folder ? path.relative(folder.uri.fsPath, file).split(path.sep).join('/') : file;
}

/** The Errors view: error groups of recent traces → where they are thrown and their example traces. */
export class ErrorsTreeProvider implements vscode.TreeDataProvider<ErrorsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ErrorsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly service: ErrorGroupsService) {
    this.subscription = service.onDidChange(() => this.changed.fire(undefined));
  }

  getTreeItem(node: ErrorsNode): vscode.TreeItem {
    switch (node.type) {
      case 'group': {
        const g = node.group;
        const item = new vscode.TreeItem(groupTitle(g), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = g.id;
        item.description = `${g.spanCount}× in ${g.traceCount} trace${g.traceCount === 1 ? '' : 's'} · ${sparkline(g.trend)} · last ${formatAge(Date.now() - g.lastSeenUs / 1000)}`;
        item.iconPath = new vscode.ThemeIcon(g.kind === 'exception' ? 'error' : 'warning');
        const where = g.location ? `${g.location.inWorkspace ? workspaceRelative(g.location.file) : g.location.file}:${g.location.line} (${g.location.function})` : 'no stack';
        // Span data is untrusted: a plain string tooltip, never markdown.
        item.tooltip = [
          groupTitle(g),
          `latest: ${quotedText(g.exampleMessage)}`,
          `${g.spanCount} times in ${g.traceCount} traces ${this.service.window}`,
          `where: ${quotedText(where, 300)}`,
          `services: ${g.services.map((s) => quotedText(s, 80)).join(', ')}`,
          `operations: ${g.operations.map((o) => quotedText(`${o.operation} (${o.count})`, 120)).join(', ')}`,
          ...g.causes.map((c) => `${c.relation === 'wrap' ? 'wrapped' : 'caused by'}: ${quotedText(`${c.type} ${c.message}`)}`),
        ].join('\n');
        item.contextValue = 'spanlens.errorGroup';
        return item;
      }
      case 'location': {
        const loc = node.group.location!;
        const item = new vscode.TreeItem(`${workspaceRelative(loc.file)}:${loc.line}`, vscode.TreeItemCollapsibleState.None);
        item.description = quotedText(loc.function, 80);
        item.iconPath = new vscode.ThemeIcon('go-to-file');
        item.command = { command: CommandId.GoToErrorLocation, title: 'Go to the throwing line', arguments: [node.group.id] };
        return item;
      }
      case 'example': {
        const e = node.example;
        const item = new vscode.TreeItem(`${node.which} trace …${e.traceId.slice(-8)}`, vscode.TreeItemCollapsibleState.None);
        item.description = `${formatDurationMs(e.traceDurationUs / 1000)} · ${quotedText(`${e.service} ${e.operation}`, 80)} · ${formatAge(Date.now() - e.timeUs / 1000)}`;
        item.tooltip = `${e.traceId}\nOpen in the trace viewer`;
        item.iconPath = new vscode.ThemeIcon('pulse');
        item.contextValue = 'spanlens.errorExample';
        item.command = { command: CommandId.OpenErrorExample, title: 'Open trace', arguments: [e.traceId] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        return item;
      }
    }
  }

  getChildren(node?: ErrorsNode): ErrorsNode[] {
    if (!node) return this.roots();
    if (node.type !== 'group') return [];
    const g = node.group;
    const out: ErrorsNode[] = [];
    if (g.location?.inWorkspace) out.push({ type: 'location', group: g });
    if (g.slowest.traceId === g.latest.traceId) out.push({ type: 'example', group: g, which: 'slowest and latest', example: g.latest });
    else out.push({ type: 'example', group: g, which: 'slowest', example: g.slowest }, { type: 'example', group: g, which: 'latest', example: g.latest });
    return out;
  }

  private roots(): ErrorsNode[] {
    const state = this.service.state;
    const report = this.service.report;
    if (!report) {
      if (state.kind === 'failed') return [{ type: 'message', text: `Could not read errors: ${quotedText(state.message)}`, icon: 'warning' }];
      if (state.kind === 'idle') void this.service.refresh();
      return [{ type: 'message', text: 'Reading errors from recent traces…', icon: 'loading~spin' }];
    }
    if (report.groups.length === 0) return [{ type: 'message', text: `No errors ${this.service.window} (${report.tracesScanned} traces with errors searched)`, icon: 'pass' }];
    const nodes: ErrorsNode[] = report.groups.slice(0, MAX_GROUPS).map((group) => ({ type: 'group', group }));
    if (report.groups.length > MAX_GROUPS) nodes.push({ type: 'message', text: `${report.groups.length - MAX_GROUPS} more groups: spanlens errors lists them all`, icon: 'ellipsis' });
    if (state.kind === 'failed') nodes.unshift({ type: 'message', text: `Refresh failed, showing the last groups: ${quotedText(state.message)}`, icon: 'warning' });
    return nodes;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
