import * as vscode from 'vscode';
import type { Trace } from '../core/model/trace';

/** Where a trace came from, so a viewer can reload it and offer "open linked trace". */
export interface TraceOrigin {
  /** Description of the source, e.g. "Jaeger http://localhost:16686" or "file /x/trace.json". */
  readonly source: string;
  readonly file?: string;
}

/** What a presenter that fetched a trace itself says about it. */
export interface OpenedTrace {
  readonly traceId: string;
  readonly spanCount: number;
}

/** Shows traces to the user. The trace viewer panel implements it; until it is registered, a JSON document does. */
export interface TracePresenter {
  show(traces: readonly Trace[], origin: TraceOrigin): Promise<void>;
  /**
   * Fetches and shows a trace without bringing it onto this thread (the viewer's worker does the fetch and parse);
   * undefined when this presenter cannot (the source is only reachable from here): then fetch and call `show`.
   */
  showById?(traceId: string, origin: TraceOrigin, signal?: AbortSignal): Promise<OpenedTrace | undefined>;
}

/** Read-only fallback: the traces as the `spanlens trace --json` shape in an untitled JSON editor. */
export class JsonTracePresenter implements TracePresenter {
  async show(traces: readonly Trace[], origin: TraceOrigin): Promise<void> {
    const content = JSON.stringify({ origin: origin.source, traces }, null, 2);
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content });
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}

/** Lets the viewer replace the fallback after activation without the commands knowing which one is in use. */
export class SwitchableTracePresenter implements TracePresenter {
  constructor(private current: TracePresenter) {}

  use(presenter: TracePresenter): void {
    this.current = presenter;
  }

  show(traces: readonly Trace[], origin: TraceOrigin): Promise<void> {
    return this.current.show(traces, origin);
  }

  async showById(traceId: string, origin: TraceOrigin, signal?: AbortSignal): Promise<OpenedTrace | undefined> {
    return this.current.showById?.(traceId, origin, signal);
  }
}
