// The agent tools (src/core/agent) as VS Code language-model tools, so any chat agent in VS Code can call them with
// the user's workspace and trace source. Thin adapter: the same callAgentTool as `spanlens mcp`, so both answer
// with the same text. Registered only in trusted workspaces (the tools read workspace files and the configured
// source); package.json declares them (contributes.languageModelTools), generated from AGENT_TOOLS and checked by
// test/unit/agent/lmToolContribution.test.ts.
import * as vscode from 'vscode';
import { AGENT_TOOLS, callAgentTool } from '../core/agent/agentTools';
import type { AgentToolContext } from '../core/agent/toolTypes';
import { WorkspaceCode, type WorkspaceCodeHost } from '../core/agent/workspaceCode';
import { parsePathMappings } from '../core/code/pathMapping';
import { resolveServiceName } from '../core/code/serviceName';
import { skippedSourceFolders, sourceFileGlob } from '../core/code/languages/languageIds';
import { parseDurationUs } from '../core/sources/duration';
import { FileTraceSource } from '../core/sources/fileSource';
import type { CodeIntelClient } from './codeIntelClient';
import type { ConfigWatcher } from './config';
import type { SourceManager } from './sourceManager';
import { signalFromToken } from './cancellation';

const MAX_FILES = 3000;
const EXCLUDE_GLOB = `**/{${skippedSourceFolders().join(',')}}/**`;

async function readText(file: string): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
  } catch {
    return undefined;
  }
}

/** The first workspace folder's code, read through VS Code and parsed in the code-intelligence worker. */
function workspaceCode(codeIntel: CodeIntelClient, config: ConfigWatcher): WorkspaceCode | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file') return undefined;
  const root = folder.uri.fsPath;
  const host: WorkspaceCodeHost = {
    root,
    pathMappings: parsePathMappings(config.current.pathMappings),
    listSourceFiles: async () => (await vscode.workspace.findFiles(sourceFileGlob(), EXCLUDE_GLOB, MAX_FILES)).map((u) => u.fsPath).sort(),
    readFile: readText,
    findInstrumentedFunctions: (text, file) => codeIntel.call('findInstrumentedFunctions', [text, file]),
    listFunctions: (text, file) => codeIntel.call('listFunctions', [text, file]),
    serviceOfFile: async (file, knownServices) =>
      (
        await resolveServiceName({
          filePath: file,
          workspaceRoot: root,
          readFile: readText,
          override: config.current.serviceName,
          ...(knownServices ? { knownServices } : {}),
          codeServices: () => codeIntel.call('serviceNamesFromCode', [file, root]),
        })
      ).service,
  };
  return new WorkspaceCode(host);
}

function defaultLookbackMs(config: ConfigWatcher, fileSource: boolean): number {
  if (fileSource) return Infinity;
  const us = parseDurationUs(config.current.lookback);
  return us !== undefined && us > 0 ? us / 1000 : 3_600_000;
}

/** Registers every agent tool with vscode.lm once the workspace is trusted; disposing unregisters them. */
export function registerAgentLmTools(sources: SourceManager, codeIntel: CodeIntelClient, config: ConfigWatcher): vscode.Disposable {
  const registered: vscode.Disposable[] = [];
  let workspace: WorkspaceCode | undefined;
  const register = (): void => {
    if (registered.length > 0 || !vscode.workspace.isTrusted || !vscode.lm?.registerTool) return;
    workspace = workspaceCode(codeIntel, config);
    for (const tool of AGENT_TOOLS) {
      registered.push(
        vscode.lm.registerTool<Record<string, unknown>>(tool.name, {
          async invoke(options, token) {
            const source = await sources.source();
            const ctx: AgentToolContext = {
              source,
              ...(workspace ? { workspace } : {}),
              signal: signalFromToken(token),
              defaultLookbackMs: defaultLookbackMs(config, source instanceof FileTraceSource),
            };
            const outcome = await callAgentTool(tool.name, options.input, ctx);
            // A thrown error is what VS Code hands the model as the tool's failure.
            if (!outcome.ok) throw new Error(outcome.message);
            return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(outcome.result.text)]);
          },
          prepareInvocation() {
            return { invocationMessage: `Span Lens: ${tool.title.toLowerCase()}` };
          },
        }),
      );
    }
  };
  register();
  const trust = vscode.workspace.onDidGrantWorkspaceTrust(register);
  const files = vscode.workspace.onDidChangeWorkspaceFolders(() => {
    workspace = workspaceCode(codeIntel, config);
  });
  const watcher = vscode.workspace.createFileSystemWatcher(sourceFileGlob());
  const invalidate = (): void => workspace?.invalidate();
  watcher.onDidChange(invalidate);
  watcher.onDidCreate(invalidate);
  watcher.onDidDelete(invalidate);
  return new vscode.Disposable(() => {
    for (const d of registered.splice(0)) d.dispose();
    trust.dispose();
    files.dispose();
    watcher.dispose();
  });
}
