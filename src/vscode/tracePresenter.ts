import * as vscode from 'vscode';
import type { Trace } from '../core/model/trace';

/** Where a trace came from, so a viewer can reload it and offer "open linked trace". */
export interface TraceOrigin {
  /** Description of the source, e.g. "Jaeger http://localhost:16686" or "file /x/trace.json". */
  readonly source: string;
  readonly file?: string;
}

/** Shows traces to the user. The trace viewer panel implements it; until it is registered, a JSON document does. */
export interface TracePresenter {
  show(traces: readonly Trace[], origin: TraceOrigin): Promise<void>;
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
}
