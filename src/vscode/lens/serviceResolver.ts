import * as vscode from 'vscode';
import { describeServiceChoice, resolveServiceName, type ServiceNameResolution } from '../../core/code/serviceName';
import type { CodeIntelClient } from '../codeIntelClient';

const PICKS_KEY = 'spanlens.servicePicks';

/**
 * Which service a document's spans belong to. Resolution reads env files and package.json through the workspace
 * file system; an ambiguous answer is settled by asking once per folder, and the pick is remembered.
 */
export class ServiceResolver {
  private readonly cache = new Map<string, Promise<ServiceNameResolution>>();
  private asking: Promise<string | undefined> | undefined;

  private readonly loggedFolders = new Set<string>();

  constructor(
    private readonly memento: vscode.Memento,
    private readonly codeIntel?: CodeIntelClient,
    private readonly log?: vscode.LogOutputChannel,
  ) {}

  invalidate(): void {
    this.cache.clear();
    this.loggedFolders.clear();
    if (this.codeIntel?.started) void this.codeIntel.call('invalidateServiceScans', []).catch(() => undefined);
  }

  async serviceFor(doc: vscode.TextDocument, override: string, tracerNames: readonly string[], knownServices?: readonly string[]): Promise<ServiceNameResolution> {
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    const root = folder?.uri.fsPath ?? vscode.Uri.joinPath(doc.uri, '..').fsPath;
    const key = `${doc.uri.toString()}\u0000${override}\u0000${tracerNames.join(',')}\u0000${knownServices?.join(',') ?? ''}`;
    let pending = this.cache.get(key);
    if (!pending) {
      pending = resolveServiceName({
        filePath: doc.uri.fsPath,
        workspaceRoot: root,
        readFile: readWorkspaceFile,
        override,
        tracerNames,
        ...(knownServices ? { knownServices } : {}),
        // The project's code is read in the code-intel worker (it parses), never on this thread.
        ...(this.codeIntel ? { codeServices: () => this.codeIntel!.call('serviceNamesFromCode', [doc.uri.fsPath, root]) } : {}),
      });
      this.cache.set(key, pending);
    }
    const resolution = await pending;
    this.logOnce(doc, resolution);
    if (!resolution.ambiguous || !resolution.service) return resolution;
    const picks = this.memento.get<Record<string, string>>(PICKS_KEY, {});
    const remembered = picks[root];
    if (remembered) return { ...resolution, service: remembered, ambiguous: false };
    const picked = await this.askOnce(root, [resolution.service, ...resolution.alternatives.filter((a) => knownServices?.includes(a))]);
    return picked ? { ...resolution, service: picked, ambiguous: false } : resolution;
  }

  /** Says once per folder which rule named its service, so a wrong name can be traced to its cause. */
  private logOnce(doc: vscode.TextDocument, r: ServiceNameResolution): void {
    const folder = vscode.Uri.joinPath(doc.uri, '..').fsPath;
    if (!this.log || this.loggedFolders.has(folder)) return;
    this.loggedFolders.add(folder);
    this.log.info(`Service for ${vscode.workspace.asRelativePath(folder)}: ${r.service ?? '(none)'} — ${describeServiceChoice(r, (f) => vscode.workspace.asRelativePath(f))}`);
  }

  /** One question at a time, however many lenses are resolving. */
  private askOnce(root: string, candidates: readonly string[]): Promise<string | undefined> {
    this.asking ??= (async () => {
      const picked = await vscode.window.showQuickPick([...new Set(candidates)], {
        title: `Span Lens: which service are the spans of ${vscode.workspace.asRelativePath(root)} recorded under?`,
        placeHolder: 'Remembered for this folder; change it with the spanlens.serviceName setting',
      });
      if (picked) await this.memento.update(PICKS_KEY, { ...this.memento.get<Record<string, string>>(PICKS_KEY, {}), [root]: picked });
      this.cache.clear();
      return picked;
    })().finally(() => {
      this.asking = undefined;
    });
    return this.asking;
  }
}

async function readWorkspaceFile(path: string): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(path)));
  } catch {
    return undefined;
  }
}
