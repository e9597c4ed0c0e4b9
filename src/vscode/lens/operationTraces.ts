import * as vscode from 'vscode';
import type { SourceManager } from '../sourceManager';
import type { TracePresenter } from '../tracePresenter';
import type { TraceSummary } from '../../core/sources/traceSource';
import { parseDurationUs } from '../../core/sources/duration';
import { isTraceFileSource, type ConfigWatcher } from '../config';
import { signalFromToken } from '../cancellation';
import { describeSummary } from '../search/summaryFormat';
import { openTraceWithProgress } from '../openTrace';
import type { OperationTracesArgs } from './latencyLensProvider';

const SLOWEST = 10;
const FAILING = 10;

/** The slowest and the failing traces of an operation, most relevant first; each row can be opened. */
export async function findOperationTraces(
  sources: SourceManager,
  config: ConfigWatcher,
  args: OperationTracesArgs,
  token?: vscode.CancellationToken,
): Promise<{ slowest: TraceSummary[]; failing: TraceSummary[] }> {
  const source = await sources.source();
  const endUs = Date.now() * 1000;
  const lookbackUs = parseDurationUs(config.current.lookback) ?? 3_600_000_000;
  const isFile = isTraceFileSource(config.current.source);
  const base = { service: args.service, startUs: isFile ? 0 : endUs - lookbackUs, endUs, limit: 200 };
  const signal = signalFromToken(token, config.current.requestTimeoutMs * 3);
  const all: TraceSummary[] = [];
  const failing: TraceSummary[] = [];
  for (const operation of args.operations) {
    const [found, errors] = await Promise.all([
      source.searchSummaries({ ...base, operation }, signal),
      source.searchSummaries({ ...base, operation, tags: { error: 'true' }, limit: 50 }, signal),
    ]);
    all.push(...found);
    failing.push(...errors);
  }
  const unique = (list: TraceSummary[]): TraceSummary[] => [...new Map(list.map((s) => [s.traceId, s])).values()];
  const failingIds = new Set(failing.map((s) => s.traceId));
  for (const s of all) if (s.errorCount > 0) failingIds.add(s.traceId);
  return {
    slowest: unique(all).sort((a, b) => b.durationUs - a.durationUs).slice(0, SLOWEST),
    failing: unique([...failing, ...all.filter((s) => failingIds.has(s.traceId))])
      .sort((a, b) => b.startTimeUs - a.startTimeUs)
      .slice(0, FAILING),
  };
}

/** The QuickPick behind a lens click: slowest traces, then failing ones; the pick opens in the trace viewer. */
export async function showOperationTraces(
  sources: SourceManager,
  config: ConfigWatcher,
  presenter: TracePresenter,
  args: OperationTracesArgs,
): Promise<TraceSummary | undefined> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { summary?: TraceSummary }>();
  qp.title = `Span Lens: ${args.spanName} in ${args.service} — slowest and failing traces`;
  qp.placeholder = 'Loading traces…';
  qp.busy = true;
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  const cts = new vscode.CancellationTokenSource();
  qp.show();
  const picked = new Promise<TraceSummary | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]?.summary));
    qp.onDidHide(() => resolve(undefined));
  });
  try {
    const { slowest, failing } = await findOperationTraces(sources, config, args, cts.token);
    const now = Date.now();
    const section = (label: string, list: TraceSummary[]): Array<vscode.QuickPickItem & { summary?: TraceSummary }> =>
      list.length === 0 ? [] : [{ label, kind: vscode.QuickPickItemKind.Separator }, ...list.map((s) => ({ ...describeSummary(s, now), summary: s }))];
    qp.items = [...section('Slowest', slowest), ...section('Failing', failing)];
    qp.placeholder = slowest.length + failing.length === 0 ? `No traces of ${args.spanName} in the lookback window` : 'Pick a trace to open it';
  } catch (e) {
    qp.placeholder = 'Could not load traces (see the notification)';
    sources.reportError(e, `Traces of ${args.spanName}`);
  } finally {
    qp.busy = false;
  }
  const summary = await picked;
  cts.cancel();
  cts.dispose();
  qp.dispose();
  if (!summary) return undefined;
  try {
    await openTraceWithProgress(sources, presenter, summary.traceId);
  } catch (e) {
    sources.reportError(e, `Open trace ${summary.traceId}`);
  }
  return summary;
}
