import * as vscode from 'vscode';
import { describeError } from '../core/errors';
import { CommandId } from './commandIds';
import type { SourceManager } from './sourceManager';
import type { OpenedTrace, TracePresenter } from './tracePresenter';
import { openTraceWithProgress } from './openTrace';
import { parseTraceIdInput } from '../core/model/traceIdInput';
import { parseTraceDocument } from '../core/model/traceDocument';
import { checkTraceFileSize } from '../core/sources/traceFileRead';
import type { Trace } from '../core/model/trace';

/** `spanlens.openTraceById` accepts an id string or `{ traceId }`; returns the id and span count it opened. */
export type OpenTraceByIdArgs = string | { readonly traceId: string };

export function registerTraceCommands(sources: SourceManager, presenter: TracePresenter, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.OpenTraceById, async (args?: OpenTraceByIdArgs): Promise<OpenedTrace | undefined> => {
      const raw = typeof args === 'string' ? args : args?.traceId ?? (await askForTraceId());
      if (raw === undefined) return undefined;
      const traceId = parseTraceIdInput(raw);
      if (!traceId) {
        void vscode.window.showErrorMessage(`Span Lens: "${raw}" is not a trace id. Paste 16 or 32 hex digits or a Jaeger trace URL.`);
        return undefined;
      }
      try {
        return await openTraceWithProgress(sources, presenter, traceId);
      } catch (e) {
        sources.reportError(e, `Open trace ${traceId}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand(CommandId.OpenTraceFile, async (args?: string | vscode.Uri): Promise<Trace[] | undefined> => {
      const uri = typeof args === 'string' ? vscode.Uri.file(args) : args ?? (await askForTraceFile());
      if (!uri) return undefined;
      try {
        // Checked before reading: a 1 GB file would be read whole only to fail with a V8 string-length message.
        checkTraceFileSize(uri.fsPath, (await vscode.workspace.fs.stat(uri)).size);
        const bytes = await vscode.workspace.fs.readFile(uri);
        const traces = parseTraceDocument(new TextDecoder().decode(bytes), uri.fsPath);
        await presenter.show(traces, { source: `file ${uri.fsPath}`, file: uri.fsPath });
        log.info(`Opened ${traces.length} trace(s) from ${uri.fsPath}`);
        return traces;
      } catch (e) {
        const message = describeError(e);
        log.error(`Open trace file ${uri.fsPath}: ${message}`);
        void vscode.window.showErrorMessage(`Span Lens: ${message}`);
        return undefined;
      }
    }),
  ];
}

async function askForTraceId(): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Span Lens: Open Trace by ID',
    prompt: 'A trace id (16 or 32 hex digits) or a Jaeger UI trace URL',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' || parseTraceIdInput(v) ? undefined : 'Not a trace id: 16 or 32 hex digits, or a Jaeger trace URL'),
  });
}

async function askForTraceFile(): Promise<vscode.Uri | undefined> {
  const files = await vscode.window.showOpenDialog({
    title: 'Open Trace File',
    canSelectMany: false,
    filters: { 'Trace files (Jaeger, OTLP, Zipkin JSON)': ['json', 'jsonl', 'ndjson'], 'All files': ['*'] },
  });
  return files?.[0];
}
