import type * as vscode from 'vscode';

/** Core code takes AbortSignals; VS Code hands out CancellationTokens. This is the one bridge. */
export function signalFromToken(token: vscode.CancellationToken | undefined, timeoutMs?: number): AbortSignal {
  const controller = new AbortController();
  if (token?.isCancellationRequested) controller.abort();
  token?.onCancellationRequested(() => controller.abort());
  if (timeoutMs === undefined) return controller.signal;
  return AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)]);
}
