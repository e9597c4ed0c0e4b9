import * as vscode from 'vscode';
import type { SourceManager } from './sourceManager';
import type { OpenedTrace, TracePresenter } from './tracePresenter';
import { signalFromToken } from './cancellation';

/**
 * Opens one trace of the current source in the viewer. The viewer's worker fetches and parses it when it can (a
 * 100k-span trace is tens of MB of JSON: never parsed on the extension host's thread); otherwise (the built-in
 * receiver, whose traces live here) it is fetched here and handed over.
 */
export async function openTraceInViewer(sources: SourceManager, presenter: TracePresenter, traceId: string, token?: vscode.CancellationToken): Promise<OpenedTrace> {
  const origin = { source: sources.state.description };
  const signal = signalFromToken(token);
  const shown = await presenter.showById?.(traceId, origin, signal);
  if (shown) return shown;
  const trace = await (await sources.source()).getTrace(traceId, signal);
  await presenter.show([trace], origin);
  return { traceId: trace.traceId, spanCount: trace.spans.length };
}

/** The same, with a cancellable progress notification. */
export function openTraceWithProgress(sources: SourceManager, presenter: TracePresenter, traceId: string): Promise<OpenedTrace> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Span Lens: opening trace ${traceId}`, cancellable: true }, (_p, token) =>
      openTraceInViewer(sources, presenter, traceId, token),
    ),
  );
}
