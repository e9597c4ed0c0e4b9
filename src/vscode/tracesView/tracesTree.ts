import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { SourceManager } from '../sourceManager';
import type { OperationInfo, TraceSummary } from '../../core/sources/traceSource';
import { formatDurationMs, formatAge } from '../../core/stats/format';
import type { SearchArgs } from '../search/searchCommand';
import { signalFromToken } from '../cancellation';

/** A search the user kept, shown under "Saved searches". */
export interface SavedSearch {
  readonly label: string;
  readonly args: SearchArgs;
}

export type TracesNode =
  | { readonly type: 'servicesRoot' }
  | { readonly type: 'service'; readonly service: string }
  | { readonly type: 'operation'; readonly service: string; readonly operation: OperationInfo }
  | { readonly type: 'savedRoot' }
  | { readonly type: 'saved'; readonly search: SavedSearch }
  | { readonly type: 'recentRoot' }
  | { readonly type: 'recent'; readonly summary: TraceSummary }
  | { readonly type: 'message'; readonly text: string; readonly icon?: string };

const SAVED_KEY = 'spanlens.savedSearches';
const RECENT_LIMIT = 30;

/**
 * The Traces view: services → operations from the source, saved searches and recent results. Children are fetched
 * lazily when a node is expanded, with a timeout; failures show as a node, not a notification storm.
 */
export class TracesTreeProvider implements vscode.TreeDataProvider<TracesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TracesNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private recent: TraceSummary[] = [];
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly sources: SourceManager,
    private readonly memento: vscode.Memento,
  ) {
    this.subscriptions = [sources.onDidChangeSource(() => this.refresh())];
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Results of the latest search go to the top of "Recent results". */
  addRecent(summaries: readonly TraceSummary[]): void {
    const ids = new Set(summaries.map((s) => s.traceId));
    this.recent = [...summaries, ...this.recent.filter((s) => !ids.has(s.traceId))].slice(0, RECENT_LIMIT);
    this.changed.fire(undefined);
  }

  get saved(): SavedSearch[] {
    return this.memento.get<SavedSearch[]>(SAVED_KEY, []);
  }

  async save(search: SavedSearch): Promise<void> {
    await this.memento.update(SAVED_KEY, [...this.saved.filter((s) => s.label !== search.label), search]);
    this.changed.fire(undefined);
  }

  async unsave(label: string): Promise<void> {
    await this.memento.update(SAVED_KEY, this.saved.filter((s) => s.label !== label));
    this.changed.fire(undefined);
  }

  getTreeItem(node: TracesNode): vscode.TreeItem {
    switch (node.type) {
      case 'servicesRoot':
        return folder('Services', 'server-environment', vscode.TreeItemCollapsibleState.Expanded, this.sources.state.description);
      case 'savedRoot':
        return folder('Saved searches', 'bookmark', vscode.TreeItemCollapsibleState.Collapsed);
      case 'recentRoot':
        return folder('Recent results', 'history', vscode.TreeItemCollapsibleState.Expanded);
      case 'service': {
        const item = new vscode.TreeItem(node.service, vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon('symbol-module');
        item.contextValue = 'spanlens.service';
        return item;
      }
      case 'operation': {
        const item = new vscode.TreeItem(node.operation.name, vscode.TreeItemCollapsibleState.None);
        item.description = node.operation.spanKind || undefined;
        item.iconPath = new vscode.ThemeIcon('symbol-event');
        item.contextValue = 'spanlens.operation';
        item.tooltip = `${node.service} / ${node.operation.name}\nClick to search its traces.`;
        item.command = {
          command: 'spanlens.searchTraces',
          title: 'Search traces',
          arguments: [{ service: node.service, operation: node.operation.name, interactiveResults: true }],
        };
        return item;
      }
      case 'saved': {
        const item = new vscode.TreeItem(node.search.label, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('search');
        item.contextValue = 'spanlens.savedSearch';
        item.command = { command: 'spanlens.searchTraces', title: 'Run search', arguments: [{ ...node.search.args, interactiveResults: true }] };
        return item;
      }
      case 'recent': {
        const s = node.summary;
        const item = new vscode.TreeItem(`${s.rootService}: ${s.rootOperation}`, vscode.TreeItemCollapsibleState.None);
        item.description = `${formatDurationMs(s.durationUs / 1000)} · ${s.spanCount} spans · ${formatAge(Date.now() - s.startTimeUs / 1000)}`;
        item.iconPath = new vscode.ThemeIcon(s.errorCount > 0 ? 'error' : 'pulse');
        item.tooltip = `${s.traceId}\n${s.services.join(', ')}${s.errorCount > 0 ? `\n${s.errorCount} error span(s)` : ''}`;
        item.contextValue = 'spanlens.trace';
        item.command = { command: 'spanlens.openTraceById', title: 'Open trace', arguments: [s.traceId] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.icon ?? 'info');
        return item;
      }
    }
  }

  async getChildren(node?: TracesNode): Promise<TracesNode[]> {
    // Recent results first: they are few and the latest thing the user did; the service list can be long.
    if (!node) return [{ type: 'recentRoot' }, { type: 'savedRoot' }, { type: 'servicesRoot' }];
    switch (node.type) {
      case 'servicesRoot':
        return this.load(async (signal) => {
          const services = await (await this.sources.source()).services(signal);
          if (services.length === 0) return [{ type: 'message', text: 'No services reported yet' }];
          return [...services].sort().map((service): TracesNode => ({ type: 'service', service }));
        });
      case 'service':
        return this.load(async (signal) => {
          const ops = await (await this.sources.source()).operations(node.service, signal);
          if (ops.length === 0) return [{ type: 'message', text: 'No operations' }];
          return [...ops].sort((a, b) => a.name.localeCompare(b.name)).map((operation): TracesNode => ({ type: 'operation', service: node.service, operation }));
        });
      case 'savedRoot': {
        const saved = this.saved;
        return saved.length === 0 ? [{ type: 'message', text: 'Save a search from its context menu or the results list' }] : saved.map((search) => ({ type: 'saved', search }));
      }
      case 'recentRoot':
        return this.recent.length === 0 ? [{ type: 'message', text: 'Search traces to see results here' }] : this.recent.map((summary) => ({ type: 'recent', summary }));
      default:
        return [];
    }
  }

  private async load(fetch: (signal: AbortSignal) => Promise<TracesNode[]>): Promise<TracesNode[]> {
    const cts = new vscode.CancellationTokenSource();
    try {
      return await fetch(signalFromToken(cts.token, 15_000));
    } catch (e) {
      return [{ type: 'message', text: describeError(e), icon: 'warning' }];
    } finally {
      cts.dispose();
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

function folder(label: string, icon: string, state: vscode.TreeItemCollapsibleState, description?: string): vscode.TreeItem {
  const item = new vscode.TreeItem(label, state);
  item.iconPath = new vscode.ThemeIcon(icon);
  if (description) item.description = description;
  return item;
}
