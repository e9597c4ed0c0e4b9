import * as vscode from 'vscode';

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
