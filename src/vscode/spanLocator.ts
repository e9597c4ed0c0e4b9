import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Span } from '../core/model/trace';
import type { InstrumentedFunction, FunctionLocation } from '../core/code/instrumented/types';
import { codeLocationOf, matchSpanToFunction } from '../core/code/instrumented/codeAttributes';
import { spanNameMatches } from '../core/code/instrumented/spanNameMatcher';
import { resolveServiceName } from '../core/code/serviceName';
import { languageOfFile, skippedSourceFolders, sourceFileGlob } from '../core/code/languages/languageIds';
import { parsePathMappings, resolveRecordedPath } from '../core/code/pathMapping';
import { findByQualifiedName, qualifiedNameParts } from '../core/code/symbols';
import type { CodeIntelClient } from './codeIntelClient';
import type { ConfigWatcher } from './config';

/** A place in the workspace: what "Go to source" opens. */
export interface CodeLocation {
  readonly uri: vscode.Uri;
  /** Where to put the cursor: the function's name. */
  readonly range: vscode.Range;
  /** The whole function. */
  readonly functionRange: vscode.Range;
  readonly functionName: string;
}

interface IndexedFunction {
  readonly uri: vscode.Uri;
  readonly fn: InstrumentedFunction;
}

const SOURCE_GLOB = sourceFileGlob();
const EXCLUDE_GLOB = `**/{${skippedSourceFolders().join(',')}}/**`;
const MAX_FILES = 3000;

/**
 * Maps spans to the code that produced them, with the same rules as the lenses: `code.*` attributes first, then
 * the instrumented functions of the workspace whose span name matches, preferring files of the span's service.
 * The workspace index is built in the code-intelligence worker on first use and kept fresh by a file watcher.
 */
export class SpanLocator implements vscode.Disposable {
  private index: Promise<IndexedFunction[]> | undefined;
  private readonly serviceOfFile = new Map<string, Promise<string | undefined>>();
  private readonly watcher: vscode.FileSystemWatcher;

  constructor(
    private readonly codeIntel: CodeIntelClient,
    private readonly config: ConfigWatcher,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.watcher = vscode.workspace.createFileSystemWatcher(SOURCE_GLOB);
    this.watcher.onDidChange(() => this.invalidate());
    this.watcher.onDidCreate(() => this.invalidate());
    this.watcher.onDidDelete(() => this.invalidate());
  }

  /** Forgets the workspace index (files changed, or the user asked for a refresh). */
  invalidate(): void {
    this.index = undefined;
    this.serviceOfFile.clear();
  }

  async locate(span: Span): Promise<CodeLocation | undefined> {
    return (await this.byCodeAttributes(span)) ?? (await this.bySpanName(span));
  }

  private async byCodeAttributes(span: Span): Promise<CodeLocation | undefined> {
    const loc = codeLocationOf(span.attributes);
    if (!loc) return undefined;
    if (!loc.filePath) return loc.functionName ? this.byQualifiedName(loc.functionName) : undefined;
    // Candidates by file name (a `.js` recorded from a build may be a `.ts` in the workspace), then the recorded
    // path is resolved among them: an explicit mapping first, else the longest unique shared tail.
    const recordedBase = loc.filePath.replace(/\\/g, '/').split('/').pop() ?? '';
    const base = recordedBase.replace(/\.js$/, '.{js,ts}');
    const files = (await vscode.workspace.findFiles(`**/${base}`, EXCLUDE_GLOB, 50)).map((u) => u.fsPath);
    const resolution = resolveRecordedPath(loc.filePath, files, parsePathMappings(this.config.current.pathMappings));
    this.logResolution(loc.filePath, resolution.kind === 'mapped' || resolution.kind === 'suffix' ? resolution.file : undefined, resolution.kind);
    const chosen = resolution.kind === 'mapped' || resolution.kind === 'suffix' ? [resolution.file] : resolution.kind === 'ambiguous' ? resolution.candidates : [];
    const byFile = new Map<string, readonly FunctionLocation[]>();
    for (const file of chosen) {
      const text = await readText(vscode.Uri.file(file));
      if (text !== undefined) byFile.set(file, await this.codeIntel.call('listFunctions', [text, file]));
    }
    const match = matchSpanToFunction(span.attributes, byFile, span.name);
    return match
      ? { uri: vscode.Uri.file(match.file), range: toRange(match.function.nameRange), functionRange: toRange(match.function.range), functionName: match.function.functionName }
      : undefined;
  }

  /** `code.function.name` without a path: workspace symbols with its last part, narrowed by the whole name. */
  private async byQualifiedName(qualifiedName: string): Promise<CodeLocation | undefined> {
    const last = qualifiedNameParts(qualifiedName).pop();
    if (!last) return undefined;
    const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[] | undefined>('vscode.executeWorkspaceSymbolProvider', last)) ?? [];
    const files = [...new Set(symbols.filter((s) => s.name === last || s.name.endsWith(`.${last}`)).map((s) => s.location.uri.fsPath))].slice(0, 50);
    // Files of languages we parse: our own function list knows the qualified names.
    const byFile = new Map<string, readonly FunctionLocation[]>();
    for (const file of files.filter((f) => languageOfFile(f) !== undefined)) {
      const text = await readText(vscode.Uri.file(file));
      if (text !== undefined) byFile.set(file, await this.codeIntel.call('listFunctions', [text, file]));
    }
    const hit = findByQualifiedName(qualifiedName, byFile);
    if (hit) return { uri: vscode.Uri.file(hit.file), range: toRange(hit.function.nameRange), functionRange: toRange(hit.function.range), functionName: hit.function.functionName };
    // Other languages: the symbol provider's answer, when it has exactly one function of that name.
    const others = symbols.filter((s) => languageOfFile(s.location.uri.fsPath) === undefined && (s.kind === vscode.SymbolKind.Function || s.kind === vscode.SymbolKind.Method) && s.name === last);
    if (others.length !== 1) return undefined;
    const only = others[0]!;
    return { uri: only.location.uri, range: only.location.range, functionRange: only.location.range, functionName: only.containerName ? `${only.containerName}.${only.name}` : only.name };
  }

  private readonly loggedPaths = new Set<string>();

  /** Says once per recorded folder where its files were found, so a wrong guess can be corrected by a mapping. */
  private logResolution(recorded: string, file: string | undefined, how: string): void {
    const folder = path.posix.dirname(recorded.replace(/\\/g, '/'));
    if (this.loggedPaths.has(folder)) return;
    this.loggedPaths.add(folder);
    if (file) this.log.info(`code.file.path ${recorded} → ${file} (${how === 'mapped' ? 'spanlens.pathMappings' : 'longest shared path suffix'})`);
    else this.log.info(`code.file.path ${recorded}: ${how === 'ambiguous' ? 'several workspace files match' : 'no workspace file matches'}; set spanlens.pathMappings to map it`);
  }

  private async bySpanName(span: Span): Promise<CodeLocation | undefined> {
    const all = await this.workspaceIndex();
    const candidates = all.filter((e) => [e.fn.spanName, ...e.fn.alternativeSpanNames].some((m) => spanNameMatches(m, span.name)));
    if (candidates.length === 0) return undefined;
    // Exact names beat patterns; then files that belong to the span's service: by the file's resolved service name,
    // else by the tracer name or file name carrying the service's name (`shop-orders`, `orders.ts` for `orders`).
    const scored = await Promise.all(
      candidates.map(async (c) => ({
        c,
        score:
          (c.fn.spanName.kind === 'exact' && c.fn.spanName.name === span.name ? 2 : 0) +
          ((await this.serviceOf(c.uri)) === span.service ? 8 : 0) +
          (c.fn.tracerName === span.service ? 4 : hasToken(c.fn.tracerName, span.service) ? 2 : 0) +
          (hasToken(path.basename(c.uri.fsPath).replace(/\.[^.]+$/, ''), span.service) ? 1 : 0),
      })),
    );
    scored.sort((a, b) => b.score - a.score);
    const best = scored[0]!.c;
    return { uri: best.uri, range: toRange(best.fn.nameRange), functionRange: toRange(best.fn.range), functionName: best.fn.functionName };
  }

  private workspaceIndex(): Promise<IndexedFunction[]> {
    this.index ??= (async () => {
      const started = Date.now();
      const files = await vscode.workspace.findFiles(SOURCE_GLOB, EXCLUDE_GLOB, MAX_FILES);
      const out: IndexedFunction[] = [];
      for (const uri of files) {
        const text = await readText(uri);
        if (text === undefined || !languageOfFile(uri.fsPath)?.mayBeInstrumented.test(text)) continue;
        try {
          for (const fn of await this.codeIntel.call('findInstrumentedFunctions', [text, uri.fsPath, {}])) out.push({ uri, fn });
        } catch (e) {
          this.log.warn(`Indexing ${uri.fsPath} for go-to-source failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      this.log.info(`Go-to-source index: ${out.length} instrumented functions in ${files.length} files (${Date.now() - started} ms)`);
      return out;
    })();
    return this.index;
  }

  private serviceOf(uri: vscode.Uri): Promise<string | undefined> {
    const key = uri.toString();
    let pending = this.serviceOfFile.get(key);
    if (!pending) {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      pending = resolveServiceName({
        filePath: uri.fsPath,
        workspaceRoot: folder?.uri.fsPath ?? path.dirname(uri.fsPath),
        readFile: (p) => readText(vscode.Uri.file(p)),
        override: this.config.current.serviceName,
        codeServices: () => this.codeIntel.call('serviceNamesFromCode', [uri.fsPath, folder?.uri.fsPath ?? path.dirname(uri.fsPath)]),
      }).then((r) => r.service);
      this.serviceOfFile.set(key, pending);
    }
    return pending;
  }

  dispose(): void {
    this.watcher.dispose();
  }
}

/** True when `name` has `service` as one of its dash/dot/underscore-separated words (or the whole run of them). */
function hasToken(name: string | undefined, service: string): boolean {
  if (!name || !service) return false;
  const words = name.toLowerCase().split(/[-_./\s]+/);
  const wanted = service.toLowerCase().split(/[-_./\s]+/);
  for (let i = 0; i + wanted.length <= words.length; i++) {
    if (wanted.every((w, j) => words[i + j] === w)) return true;
  }
  return false;
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

function toRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}
