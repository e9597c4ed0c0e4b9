import * as vscode from 'vscode';
import type { CodeIntelClient } from '../codeIntelClient';
import { nearestPackageJson } from './projectInfo';
import { toRange } from './lintDiagnostics';
import { exists, setupLanguageOf, setUpTracingIn } from './setUpTracingLanguages';

export interface SetUpTracingArgs {
  /** A file or folder of the project; default: the active editor's file, else the first workspace folder. */
  readonly uri?: vscode.Uri;
  readonly samplerRatio?: number;
  readonly serviceName?: string;
}

/**
 * In a Python, Go or Java project (the file at hand, or a folder's manifest), the language's setup
 * (setUpTracingLanguages.ts). Otherwise generates tracing.ts / tracing.js (NodeSDK, OTLP/HTTP exporter, parent-based ratio sampler, batch processor,
 * shutdown on exit) beside the nearest package.json and adds the packages it needs. Nothing is overwritten.
 */
export async function setUpTracing(codeIntel: CodeIntelClient, args: SetUpTracingArgs = {}): Promise<vscode.Uri | undefined> {
  const anchor = args.uri ?? vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!anchor) {
    void vscode.window.showErrorMessage('Span Lens: open a folder or a file of the project to set up tracing in.');
    return undefined;
  }
  const isFolder = await isDirectory(anchor);
  const language = await setupLanguageOf(anchor, isFolder);
  if (language) {
    const ratio = args.samplerRatio ?? (await askRatio());
    if (ratio === undefined) return undefined;
    const dir = isFolder ? anchor : vscode.Uri.joinPath(anchor, '..');
    const anchorText = isFolder ? undefined : new TextDecoder().decode(await vscode.workspace.fs.readFile(anchor));
    return setUpTracingIn(codeIntel, language, dir, { samplerRatio: ratio, ...(args.serviceName ? { serviceName: args.serviceName } : {}), ...(anchorText !== undefined ? { anchorText } : {}) });
  }
  const probe = isFolder ? vscode.Uri.joinPath(anchor, 'package.json') : anchor;
  const pkg = await nearestPackageJson(probe);
  const root = pkg ? vscode.Uri.joinPath(pkg.uri, '..') : (await isDirectory(anchor)) ? anchor : vscode.Uri.joinPath(anchor, '..');
  const usesTs = (await exists(vscode.Uri.joinPath(root, 'tsconfig.json'))) || (pkg?.dependencies.includes('typescript') ?? false);
  const esm = pkg ? (JSON.parse(pkg.text) as { type?: string }).type === 'module' : false;
  const usesB3 = pkg?.dependencies.includes('@opentelemetry/propagator-b3') ?? false;
  const ratio = args.samplerRatio ?? (await askRatio());
  if (ratio === undefined) return undefined;
  const generated = await codeIntel.call('generateTracingSetup', [
    {
      language: usesTs ? 'ts' : 'js',
      moduleStyle: usesTs || esm ? 'esm' : 'cjs',
      serviceName: args.serviceName ?? pkg?.name ?? 'my-service',
      samplerRatio: ratio,
      usesB3,
    },
  ]);
  const target = vscode.Uri.joinPath(root, generated.fileName);
  if (await exists(target)) {
    void vscode.window.showWarningMessage(`Span Lens: ${vscode.workspace.asRelativePath(target)} already exists; nothing was changed.`);
    return target;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(target, { contents: new TextEncoder().encode(generated.text), ignoreIfExists: true });
  if (pkg) {
    const pkgEdits = await codeIntel.call('packageJsonEdits', [pkg.text, { usesB3 }]);
    for (const e of pkgEdits) edit.replace(pkg.uri, toRange(e.range), e.newText);
  }
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage('Span Lens: could not write the tracing setup (is the folder read-only?).');
    return undefined;
  }
  // The command's promise is files on disk (the user runs npm install next), so save what the edit changed.
  for (const uri of [target, ...(pkg ? [pkg.uri] : [])]) await (await vscode.workspace.openTextDocument(uri)).save();
  await vscode.window.showTextDocument(target);
  void vscode.window.showInformationMessage(
    `Span Lens: created ${generated.fileName}. Install the added packages (npm install) and load it first, e.g. node --import ./${generated.fileName.replace(/\.ts$/, '.js')} app.js.`,
  );
  return target;
}

async function askRatio(): Promise<number | undefined> {
  const answer = await vscode.window.showInputBox({
    title: 'Span Lens: Set Up Tracing — sampling',
    prompt: 'Share of new traces to keep, from 0 to 1 (parent-based: a sampled caller keeps its children)',
    value: '1',
    validateInput: (v) => (Number(v) >= 0 && Number(v) <= 1 && v.trim() !== '' ? undefined : 'A number from 0 to 1'),
  });
  return answer === undefined ? undefined : Number(answer);
}

async function isDirectory(uri: vscode.Uri): Promise<boolean> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) !== 0;
  } catch {
    return false;
  }
}
