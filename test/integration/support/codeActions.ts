import * as vscode from 'vscode';

/**
 * Code actions of one kind, resolved. The request is cancelled when the document model changes under it (VS Code
 * re-reads a file it just saw on disk), so a cancelled request is asked again.
 */
export async function codeActions(uri: vscode.Uri, range: vscode.Range, kind: string): Promise<vscode.CodeAction[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind, 50)) ?? [];
    } catch (e) {
      if (attempt >= 5 || !(e instanceof Error) || !/Canceled/.test(e.message)) throw e;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

