import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import type { TracesNode, TracesTreeProvider } from './tracesTree';
import type { SearchArgs } from '../search/searchCommand';

/** The Traces view and its context-menu commands. */
export function registerTracesView(tree: TracesTreeProvider): vscode.Disposable[] {
  const view = vscode.window.createTreeView('spanlens.traces', { treeDataProvider: tree, showCollapseAll: true });
  return [
    view,
    vscode.commands.registerCommand(CommandId.RefreshTracesView, () => tree.refresh()),
    vscode.commands.registerCommand(CommandId.CopyTraceId, async (node?: TracesNode | string) => {
      const id = typeof node === 'string' ? node : node?.type === 'recent' ? node.summary.traceId : undefined;
      if (id) await vscode.env.clipboard.writeText(id);
      return id;
    }),
    vscode.commands.registerCommand(CommandId.SearchSimilar, async (node?: TracesNode) => {
      const args = similarSearch(node);
      if (args) return vscode.commands.executeCommand(CommandId.SearchTraces, { ...args, interactiveResults: true });
      return undefined;
    }),
    vscode.commands.registerCommand(CommandId.SaveSearch, async (argsOrNode?: SearchArgs | TracesNode, label?: string) => {
      const args = argsOrNode && 'type' in argsOrNode ? similarSearch(argsOrNode) : argsOrNode;
      if (!args) return;
      const name =
        label ??
        (await vscode.window.showInputBox({
          title: 'Save search as',
          value: `${args.service}${args.operation ? ` / ${args.operation}` : ''}`,
        }));
      if (name) await tree.save({ label: name, args });
    }),
    vscode.commands.registerCommand(CommandId.RemoveSavedSearch, async (node?: TracesNode) => {
      if (node?.type === 'saved') await tree.unsave(node.search.label);
    }),
  ];
}

/** Same service and root operation as a result row; same operation for an operation node. */
function similarSearch(node: TracesNode | undefined): SearchArgs | undefined {
  if (node?.type === 'recent') return { service: node.summary.rootService, operation: node.summary.rootOperation };
  if (node?.type === 'operation') return { service: node.service, operation: node.operation.name };
  if (node?.type === 'service') return { service: node.service };
  return undefined;
}
