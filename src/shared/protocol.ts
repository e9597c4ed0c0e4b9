// The one message protocol between the trace viewer (webview) and its host (the VS Code panel). Both sides check
// every message on arrival with the validators below; a message that fails is logged and dropped.
import { describeAnalysisProblem, isTracePayload, type AnalysisPayload, type TracePayload } from './viewModelPayload';

/** What the webview keeps with `vscode.setState` so the panel serializer can restore it after a reload. */
export interface ViewerState {
  readonly traceId: string;
  /** The trace source the trace came from (a source description / file name), as the host gave it. */
  readonly source: string;
  readonly compareTraceId?: string;
  readonly compareSource?: string;
  readonly selectedSpanId?: string;
  readonly tab?: ViewerTab;
}

export type ViewerTab = 'waterfall' | 'flamegraph' | 'critical' | 'selftime' | 'compare' | 'findings';
const TABS: readonly ViewerTab[] = ['waterfall', 'flamegraph', 'critical', 'selftime', 'compare', 'findings'];

// ---- host → view ----

/** Show this trace (replaces whatever is shown). Sent only after the view said `ready`. */
export interface ShowTraceMessage {
  readonly type: 'trace';
  readonly payload: TracePayload;
  /** Restore selection/tab (after a reload). */
  readonly state?: ViewerState;
}

/** A second trace to compare the shown one against (answer to `requestCompare`, or pushed by a command). */
export interface CompareTraceMessage {
  readonly type: 'compare';
  readonly payload: TracePayload;
}

/**
 * Analysis of the shown trace, sent after it: a large trace is shown first and its critical path, self time and
 * findings arrive when computed. Span indices refer to the payload of `traceId`.
 */
export interface AnalysisMessage {
  readonly type: 'analysis';
  readonly traceId: string;
  readonly analysis: AnalysisPayload;
}

/** The host is fetching a trace. */
export interface LoadingMessage {
  readonly type: 'loading';
  readonly message: string;
}

/** Something failed on the host side; shown in the view instead of a trace. */
export interface HostErrorMessage {
  readonly type: 'error';
  readonly message: string;
}

/** Select and scroll to a span (e.g. "show this span" from elsewhere in the editor). */
export interface RevealSpanMessage {
  readonly type: 'revealSpan';
  readonly spanId: string;
}

export type HostToViewMessage = ShowTraceMessage | CompareTraceMessage | AnalysisMessage | LoadingMessage | HostErrorMessage | RevealSpanMessage;

// ---- the large host → view messages, encoded ----

/**
 * `trace`, `compare` and `analysis` as the VS Code host sends them: the payload or analysis as UTF-8 JSON bytes.
 * VS Code passes bytes to the webview as they are, while an object is JSON-stringified on the extension host first
 * (about 0.6 s for 100k spans). `decodeHostMessage` turns them back into the messages above.
 */
export type EncodedHostToViewMessage =
  | (Omit<ShowTraceMessage, 'payload'> & { readonly payload: Uint8Array })
  | (Omit<CompareTraceMessage, 'payload'> & { readonly payload: Uint8Array })
  | (Omit<AnalysisMessage, 'analysis'> & { readonly analysis: Uint8Array });

/** Decodes an EncodedHostToViewMessage; returns anything else unchanged (the validators judge it next). */
export function decodeHostMessage(data: unknown): unknown {
  if (!isRecord(data)) return data;
  const field = data['type'] === 'analysis' ? 'analysis' : data['type'] === 'trace' || data['type'] === 'compare' ? 'payload' : undefined;
  const value = field === undefined ? undefined : data[field];
  if (field === undefined || !ArrayBuffer.isView(value)) return data;
  try {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return { ...data, [field]: JSON.parse(new TextDecoder().decode(bytes)) as unknown };
  } catch {
    // Not JSON: leave a value no validator accepts, so the message is reported and dropped.
    return { ...data, [field]: null };
  }
}

// ---- view → host ----

/** The view has loaded and listens: the host sends the trace only after this (no early message is lost). */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** Open the code that produced this span (the host resolves it through the lens mapping). */
export interface GoToSourceMessage {
  readonly type: 'goToSource';
  readonly spanId: string;
}

/** Open another trace (a span link). */
export interface OpenTraceMessage {
  readonly type: 'openTrace';
  readonly traceId: string;
  readonly spanId?: string;
}

/** The user wants to compare with another trace: the host asks which, then answers with `compare`. */
export interface RequestCompareMessage {
  readonly type: 'requestCompare';
}

/** The user asked to save the shown trace as a self-contained HTML page. */
export interface ExportHtmlMessage {
  readonly type: 'exportHtml';
}

/** A problem inside the view, for the host's log. */
export interface ViewLogMessage {
  readonly type: 'log';
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

export type ViewToHostMessage = ReadyMessage | GoToSourceMessage | OpenTraceMessage | RequestCompareMessage | ExportHtmlMessage | ViewLogMessage;

// ---- validators ----

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const isString = (x: unknown): x is string => typeof x === 'string';
const isOptionalString = (x: unknown): boolean => x === undefined || typeof x === 'string';

export function isViewerState(x: unknown): x is ViewerState {
  return (
    isRecord(x) &&
    isString(x['traceId']) &&
    isString(x['source']) &&
    isOptionalString(x['compareTraceId']) &&
    isOptionalString(x['compareSource']) &&
    isOptionalString(x['selectedSpanId']) &&
    (x['tab'] === undefined || TABS.includes(x['tab'] as ViewerTab))
  );
}

export function isHostToViewMessage(x: unknown): x is HostToViewMessage {
  if (!isRecord(x)) return false;
  switch (x['type']) {
    case 'trace':
      return isTracePayload(x['payload']) && (x['state'] === undefined || isViewerState(x['state']));
    case 'compare':
      return isTracePayload(x['payload']);
    case 'analysis':
      return isString(x['traceId']) && describeAnalysisProblem(x['analysis']) === undefined;
    case 'loading':
    case 'error':
      return isString(x['message']);
    case 'revealSpan':
      return isString(x['spanId']);
    default:
      return false;
  }
}

export function isViewToHostMessage(x: unknown): x is ViewToHostMessage {
  if (!isRecord(x)) return false;
  switch (x['type']) {
    case 'ready':
    case 'requestCompare':
    case 'exportHtml':
      return true;
    case 'goToSource':
      return isString(x['spanId']);
    case 'openTrace':
      return isString(x['traceId']) && isOptionalString(x['spanId']);
    case 'log':
      return (x['level'] === 'info' || x['level'] === 'warn' || x['level'] === 'error') && isString(x['message']);
    default:
      return false;
  }
}
