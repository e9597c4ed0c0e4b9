import * as vscode from 'vscode';
import { dependenciesOf, dependencyManifests } from '../../core/code/projectDependencies';
import { languageOfFile } from '../../core/code/languages/languageIds';

export interface NearestPackage {
  readonly uri: vscode.Uri;
  readonly name: string | undefined;
  readonly dependencies: readonly string[];
  readonly text: string;
}

/** The package.json nearest above a file, inside its workspace folder. */
export async function nearestPackageJson(file: vscode.Uri): Promise<NearestPackage | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(file);
  let dir = vscode.Uri.joinPath(file, '..');
  for (let depth = 0; depth < 30; depth++) {
    const candidate = vscode.Uri.joinPath(dir, 'package.json');
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(candidate));
      const pkg = JSON.parse(text) as { name?: unknown; dependencies?: Record<string, unknown>; devDependencies?: Record<string, unknown> };
      return {
        uri: candidate,
        name: typeof pkg.name === 'string' ? pkg.name : undefined,
        dependencies: [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})],
        text,
      };
    } catch {
      // Not here (or not JSON): keep walking up.
    }
    if (folder && dir.toString() === folder.uri.toString()) return undefined;
    const parent = vscode.Uri.joinPath(dir, '..');
    if (parent.toString() === dir.toString()) return undefined;
    dir = parent;
  }
  return undefined;
}

/** For a Python or Java file, the dependencies its nearest manifest declares (requirements, pyproject, pom, Gradle). */
export async function nearestManifestDependencies(file: vscode.Uri): Promise<string[] | undefined> {
  const language = languageOfFile(file.fsPath)?.id;
  const manifests = language ? dependencyManifests[language] : undefined;
  if (!manifests) return undefined;
  const folder = vscode.workspace.getWorkspaceFolder(file);
  let dir = vscode.Uri.joinPath(file, '..');
  for (let depth = 0; depth < 30; depth++) {
    const found: string[] = [];
    let any = false;
    for (const m of manifests) {
      try {
        found.push(...dependenciesOf(m, new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, m)))));
        any = true;
      } catch {
        // Not in this folder.
      }
    }
    if (any) return found;
    if (folder && dir.toString() === folder.uri.toString()) return [];
    const parent = vscode.Uri.joinPath(dir, '..');
    if (parent.toString() === dir.toString()) return [];
    dir = parent;
  }
  return [];
}
