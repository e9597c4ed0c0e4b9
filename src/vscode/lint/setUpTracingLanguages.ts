import * as vscode from 'vscode';
import type { CodeIntelClient } from '../codeIntelClient';
import { toRange } from './lintDiagnostics';

/** A project in Python, Go or Java, told by the file at hand or by the manifests beside it. */
export type SetupLanguage = 'python' | 'go' | 'java';

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** The nearest `name` at or above `dir`, inside its workspace folder. */
async function nearest(dir: vscode.Uri, name: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(dir);
  for (let d = dir, depth = 0; depth < 30; depth++) {
    const candidate = vscode.Uri.joinPath(d, name);
    if (await exists(candidate)) return candidate;
    if (folder && d.toString() === folder.uri.toString()) return undefined;
    const parent = vscode.Uri.joinPath(d, '..');
    if (parent.toString() === d.toString()) return undefined;
    d = parent;
  }
  return undefined;
}

/** Python, Go or Java when the file is one, or (for a folder) when its manifest says so and it has no package.json. */
export async function setupLanguageOf(anchor: vscode.Uri, isFolder: boolean): Promise<SetupLanguage | undefined> {
  if (!isFolder) {
    const ext = anchor.path.toLowerCase().split('.').pop();
    return ext === 'py' ? 'python' : ext === 'go' ? 'go' : ext === 'java' ? 'java' : undefined;
  }
  if (await exists(vscode.Uri.joinPath(anchor, 'package.json'))) return undefined;
  if (await exists(vscode.Uri.joinPath(anchor, 'go.mod'))) return 'go';
  if ((await exists(vscode.Uri.joinPath(anchor, 'requirements.txt'))) || (await exists(vscode.Uri.joinPath(anchor, 'pyproject.toml')))) return 'python';
  if ((await exists(vscode.Uri.joinPath(anchor, 'pom.xml'))) || (await exists(vscode.Uri.joinPath(anchor, 'build.gradle')))) return 'java';
  return undefined;
}

/**
 * Writes tracing.py (+ pins in requirements.txt), tracing.go (+ requires in go.mod) or otel.properties for the Java
 * agent, beside the file (or in the folder), through the same generators as `spanlens fix --fix setup-tracing`.
 */
export async function setUpTracingIn(codeIntel: CodeIntelClient, language: SetupLanguage, dir: vscode.Uri, options: { serviceName?: string; samplerRatio: number; anchorText?: string }): Promise<vscode.Uri | undefined> {
  const dirName = dir.path.split('/').filter(Boolean).pop() ?? 'my-service';
  const edit = new vscode.WorkspaceEdit();
  const touched: vscode.Uri[] = [];
  let target: vscode.Uri;
  let next: string;
  if (language === 'python') {
    target = vscode.Uri.joinPath(dir, 'tracing.py');
    const text = await codeIntel.call('generatePythonTracingSetup', [{ serviceName: options.serviceName ?? dirName, samplerRatio: options.samplerRatio, usesB3: false }]);
    edit.createFile(target, { contents: new TextEncoder().encode(text), ignoreIfExists: true });
    const requirements = (await nearest(dir, 'requirements.txt')) ?? vscode.Uri.joinPath(dir, 'requirements.txt');
    const current = (await readText(requirements)) ?? '';
    const edits = await codeIntel.call('requirementsEdits', [current, false]);
    if (!(await exists(requirements))) edit.createFile(requirements, { contents: new TextEncoder().encode(edits.map((e) => e.newText).join('')), ignoreIfExists: true });
    else for (const e of edits) edit.replace(requirements, toRange(e.range), e.newText);
    touched.push(requirements);
    next = 'install them with pip install -r requirements.txt, then import tracing first in your entry point';
  } else if (language === 'go') {
    target = vscode.Uri.joinPath(dir, 'tracing.go');
    const goMod = await nearest(dir, 'go.mod');
    const modText = goMod ? await readText(goMod) : undefined;
    const packageName = /^package\s+(\w+)/m.exec(options.anchorText ?? '')?.[1] ?? 'main';
    const serviceName = options.serviceName ?? /^module\s+(\S+)/m.exec(modText ?? '')?.[1]?.split('/').pop() ?? dirName;
    const text = await codeIntel.call('generateGoTracingSetup', [{ serviceName, samplerRatio: options.samplerRatio, usesB3: false, packageName }]);
    edit.createFile(target, { contents: new TextEncoder().encode(text), ignoreIfExists: true });
    if (goMod && modText !== undefined) {
      for (const e of await codeIntel.call('goModEdits', [modText])) edit.replace(goMod, toRange(e.range), e.newText);
      touched.push(goMod);
    }
    next = 'run go mod tidy, then in main: shutdown, err := setupTracing(ctx); defer shutdown(ctx)';
  } else {
    target = vscode.Uri.joinPath(dir, 'otel.properties');
    const text = await codeIntel.call('generateJavaAgentConfig', [{ serviceName: options.serviceName ?? dirName, samplerRatio: options.samplerRatio, usesB3: false }]);
    edit.createFile(target, { contents: new TextEncoder().encode(text), ignoreIfExists: true });
    next = `start the JVM with the agent: ${await codeIntel.call('javaAgentCommandLine', ['otel.properties'])}`;
  }
  if (await exists(target)) {
    void vscode.window.showWarningMessage(`Span Lens: ${vscode.workspace.asRelativePath(target)} already exists; nothing was changed.`);
    return target;
  }
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage('Span Lens: could not write the tracing setup (is the folder read-only?).');
    return undefined;
  }
  for (const uri of [target, ...touched]) await (await vscode.workspace.openTextDocument(uri)).save();
  await vscode.window.showTextDocument(target);
  void vscode.window.showInformationMessage(`Span Lens: created ${vscode.workspace.asRelativePath(target)}; ${next}.`);
  return target;
}
