import * as vscode from 'vscode';
import { CommandId } from './commandIds';
import { JAEGER_TOKEN_SECRET, type SourceManager } from './sourceManager';
import { CONFIG_SECTION } from './config';
import { displayUrl } from '../core/text/displayUrl';

/** Arguments accepted by Select Trace Source, so tests and other commands can drive it without UI. */
export type SelectSourceArgs =
  | { readonly kind: 'jaeger'; readonly url?: string }
  | { readonly kind: 'builtin' }
  | { readonly kind: 'file'; readonly path: string }
  /** A Jaeger or Zipkin server's URL as the source itself (e.g. Zipkin at http://localhost:9411). */
  | { readonly kind: 'url'; readonly url: string };

export function registerSourceCommands(sources: SourceManager, log: vscode.LogOutputChannel, secrets: vscode.SecretStorage): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.ShowLog, () => log.show()),
    vscode.commands.registerCommand(CommandId.CheckSource, async () => {
      const state = await sources.checkHealth();
      const detail = 'detail' in state ? state.detail : '';
      if (state.kind === 'connected') void vscode.window.showInformationMessage(`Span Lens: ${state.description} — ${detail}`);
      else sources.reportError(new Error(detail || `${state.description} is not reachable`), 'Check source');
      return state;
    }),
    vscode.commands.registerCommand(CommandId.SelectTraceSource, (args?: SelectSourceArgs) => selectTraceSource(args)),
    vscode.commands.registerCommand(CommandId.SetJaegerToken, async (token?: string) => {
      const value =
        token ??
        (await vscode.window.showInputBox({
          title: 'Span Lens: Jaeger bearer token',
          prompt: 'Stored in the OS keychain (SecretStorage), sent as "Authorization: Bearer …". Leave empty to remove it.',
          password: true,
          ignoreFocusOut: true,
        }));
      if (value === undefined) return;
      if (value === '') await secrets.delete(JAEGER_TOKEN_SECRET);
      else await secrets.store(JAEGER_TOKEN_SECRET, value);
    }),
    vscode.commands.registerCommand(CommandId.SourceMenu, async () => {
      const pick = await vscode.window.showQuickPick(
        [
          { label: '$(plug) Select Trace Source…', id: CommandId.SelectTraceSource },
          { label: '$(refresh) Check Connection', id: CommandId.CheckSource },
          { label: '$(output) Show Log', id: CommandId.ShowLog },
        ],
        { title: `Span Lens — ${sources.state.description} (${sources.state.kind})` },
      );
      if (pick) await vscode.commands.executeCommand(pick.id);
    }),
  ];
}

async function selectTraceSource(args?: SelectSourceArgs): Promise<void> {
  const choice = args ?? (await askForSource());
  if (!choice) return;
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  switch (choice.kind) {
    case 'jaeger':
      if (choice.url !== undefined) {
        const url = choice.url.trim();
        if (!/^https?:\/\/[^\s]+$/i.test(url)) {
          void vscode.window.showErrorMessage(`Span Lens: "${displayUrl(url)}" is not an http(s) URL. Enter the Jaeger query URL, e.g. http://localhost:16686.`);
          return;
        }
        await config.update('jaeger.url', url.replace(/\/+$/, ''), target);
      }
      await config.update('source', 'jaeger', target);
      return;
    case 'builtin':
      await config.update('source', 'builtin', target);
      return;
    case 'file':
      await config.update('source', choice.path, target);
      return;
    case 'url': {
      const url = choice.url.trim();
      if (!/^https?:\/\/[^\s]+$/i.test(url)) {
        void vscode.window.showErrorMessage(`Span Lens: "${displayUrl(url)}" is not an http(s) URL. Enter the Zipkin URL, e.g. http://localhost:9411.`);
        return;
      }
      await config.update('source', url.replace(/\/+$/, ''), target);
      return;
    }
  }
}

async function askForSource(): Promise<SelectSourceArgs | undefined> {
  const current = vscode.workspace.getConfiguration(CONFIG_SECTION).get<string>('jaeger.url', 'http://localhost:16686');
  type SourceItem = vscode.QuickPickItem & { readonly choice: 'jaeger' | 'jaeger-url' | 'zipkin' | 'file' | 'builtin' };
  const pick = await vscode.window.showQuickPick<SourceItem>(
    [
      { label: '$(server) Jaeger', description: displayUrl(current), choice: 'jaeger' as const },
      { label: '$(edit) Jaeger at another URL…', choice: 'jaeger-url' as const },
      { label: '$(server) Zipkin…', description: 'the Zipkin server URL, e.g. http://localhost:9411', choice: 'zipkin' as const },
      { label: '$(file) Trace file…', description: 'Jaeger JSON, OTLP JSON or Zipkin JSON', choice: 'file' as const },
      { label: '$(radio-tower) Built-in OTLP receiver', description: 'no Jaeger needed: point your app at http://localhost:4318', choice: 'builtin' as const },
    ],
    { title: 'Span Lens: Select Trace Source' },
  );
  if (!pick) return undefined;
  if (pick.choice === 'jaeger') return { kind: 'jaeger' };
  if (pick.choice === 'builtin') return { kind: 'builtin' };
  if (pick.choice === 'jaeger-url') {
    const url = await vscode.window.showInputBox({
      title: 'Jaeger query URL',
      value: current,
      validateInput: (v) => (/^https?:\/\/[^\s]+$/i.test(v.trim()) ? undefined : 'An http:// or https:// URL, e.g. http://localhost:16686'),
    });
    return url === undefined ? undefined : { kind: 'jaeger', url };
  }
  if (pick.choice === 'zipkin') {
    const url = await vscode.window.showInputBox({
      title: 'Zipkin URL',
      value: 'http://localhost:9411',
      validateInput: (v) => (/^https?:\/\/[^\s]+$/i.test(v.trim()) ? undefined : 'An http:// or https:// URL, e.g. http://localhost:9411'),
    });
    return url === undefined ? undefined : { kind: 'url', url };
  }
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Trace files': ['json', 'jsonl', 'ndjson'] } });
  const file = files?.[0];
  return file ? { kind: 'file', path: file.fsPath } : undefined;
}
