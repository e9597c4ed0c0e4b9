import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { CommandId } from '../commandIds';
import type { SourceManager } from '../sourceManager';
import type { TracePresenter } from '../tracePresenter';
import type { TraceQuery, TraceSummary } from '../../core/sources/traceSource';
import { formatSearchFilters, parseSearchFilters, type SearchFilters } from '../../core/search/searchFilters';
import { SearchCache } from '../../core/search/searchCache';
import { formatDurationUs, parseDurationUs } from '../../core/sources/duration';
import { readConfig } from '../config';
import { signalFromToken } from '../cancellation';
import { describeSummary, sortSummaries, type SummarySort } from './summaryFormat';
import { openTraceWithProgress } from '../openTrace';

/** A search as the command takes it from code (tests, other commands) and remembers it. */
export interface SearchArgs {
  readonly service: string;
  readonly operation?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly minDuration?: string;
  readonly maxDuration?: string;
  readonly lookback?: string;
  readonly limit?: number;
  /** Open this result (a trace id, or 'first') instead of returning the result list. */
  readonly open?: string;
  /** Show the results in a QuickPick (as the Traces view does), instead of only returning them. */
  readonly interactiveResults?: boolean;
  /** Ask the source even when the same search ran in the last 30 seconds. */
  readonly fresh?: boolean;
}

const LAST_SEARCH_KEY = 'spanlens.lastSearch';

interface RememberedSearch {
  readonly service: string;
  readonly operation?: string;
  readonly filters: string;
}

export function registerSearchCommand(
  sources: SourceManager,
  presenter: TracePresenter,
  memento: vscode.Memento,
  log: vscode.LogOutputChannel,
  onResults: (summaries: readonly TraceSummary[]) => void = () => undefined,
): vscode.Disposable {
  const cache = new SearchCache();
  const cacheReset = sources.onDidChangeSource(() => cache.clear());
  const runSearch = async (query: TraceQuery, token?: vscode.CancellationToken, fresh = false): Promise<TraceSummary[]> => {
    const cached = fresh ? undefined : cache.get(query);
    if (cached) {
      log.info(`Search ${query.service}/${query.operation ?? '*'}: ${cached.summaries.length} trace(s) from ${Math.round(cached.ageMs / 1000)} s ago`);
      return [...cached.summaries];
    }
    const source = await sources.source();
    const summaries = await source.searchSummaries(query, signalFromToken(token));
    cache.set(query, summaries);
    log.info(`Search ${query.service}/${query.operation ?? '*'}: ${summaries.length} trace(s)`);
    onResults(summaries);
    return summaries;
  };

  const openSummary = async (summary: TraceSummary): Promise<void> => {
    await openTraceWithProgress(sources, presenter, summary.traceId);
  };

  const command = vscode.commands.registerCommand(CommandId.SearchTraces, async (args?: SearchArgs): Promise<TraceSummary[] | undefined> => {
    try {
      if (args) {
        const query = queryFromArgs(args);
        const summaries = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: 'Span Lens: searching traces' },
          () => runSearch(query, undefined, args.fresh === true),
        );
        const toOpen = args.open === 'first' ? summaries[0] : summaries.find((s) => s.traceId === args.open);
        if (toOpen) await openSummary(toOpen);
        else if (args.interactiveResults) {
          const { open: _open, interactiveResults: _interactive, fresh: _fresh, ...saveArgs } = args;
          const picked = await pickResult(summaries, `${args.service}${args.operation ? ` / ${args.operation}` : ''}`, false, saveArgs);
          if (picked && picked !== 'back') await openSummary(picked);
        }
        return summaries;
      }
      return await interactiveSearch(sources, memento, runSearch, openSummary);
    } catch (e) {
      sources.reportError(e, 'Search traces');
      return undefined;
    }
  });
  return vscode.Disposable.from(command, cacheReset);
}

function queryFromArgs(args: SearchArgs): TraceQuery {
  const lookbackUs = parseDurationUs(args.lookback ?? readConfig().lookback);
  if (lookbackUs === undefined) throw new Error(`"${args.lookback}" is not a lookback duration (e.g. 1h)`);
  const min = args.minDuration !== undefined ? parseDurationUs(args.minDuration) : undefined;
  const max = args.maxDuration !== undefined ? parseDurationUs(args.maxDuration) : undefined;
  return buildQuery(args.service, args.operation, {
    tags: args.tags ?? {},
    lookbackUs,
    limit: args.limit ?? 20,
    ...(min !== undefined ? { minDurationUs: min } : {}),
    ...(max !== undefined ? { maxDurationUs: max } : {}),
  });
}

function buildQuery(service: string, operation: string | undefined, filters: SearchFilters): TraceQuery {
  const endUs = Date.now() * 1000;
  return {
    service,
    ...(operation ? { operation } : {}),
    ...(Object.keys(filters.tags).length > 0 ? { tags: filters.tags } : {}),
    ...(filters.minDurationUs !== undefined ? { minDurationUs: filters.minDurationUs } : {}),
    ...(filters.maxDurationUs !== undefined ? { maxDurationUs: filters.maxDurationUs } : {}),
    startUs: endUs - filters.lookbackUs,
    endUs,
    limit: filters.limit,
  };
}

type Step = 'service' | 'operation' | 'filters' | 'results';

/** The multi-step flow: service → operation → filters → results, with Back on every step after the first. */
async function interactiveSearch(
  sources: SourceManager,
  memento: vscode.Memento,
  runSearch: (q: TraceQuery, token?: vscode.CancellationToken) => Promise<TraceSummary[]>,
  openSummary: (s: TraceSummary) => Promise<void>,
): Promise<TraceSummary[] | undefined> {
  const last = memento.get<RememberedSearch>(LAST_SEARCH_KEY);
  let service: string | undefined;
  let operation: string | undefined;
  let filterText = last?.filters ?? formatSearchFilters({ tags: {}, lookbackUs: parseDurationUs(readConfig().lookback) ?? 3_600_000_000, limit: 20 });
  let step: Step = 'service';
  let results: TraceSummary[] = [];
  let lastFilters: SearchFilters | undefined;
  for (;;) {
    switch (step) {
      case 'service': {
        const picked = await pickService(sources, last);
        if (!picked) return undefined;
        if (picked.kind === 'last' && last) {
          service = last.service;
          operation = last.operation;
          filterText = last.filters;
          step = 'filters';
        } else if (picked.kind === 'service') {
          service = picked.service;
          step = 'operation';
        }
        break;
      }
      case 'operation': {
        const picked = await pickOperation(sources, service!);
        if (picked === 'back') step = 'service';
        else if (picked === undefined) return undefined;
        else {
          operation = picked.operation;
          step = 'filters';
        }
        break;
      }
      case 'filters': {
        const edited = await editFilters(service!, operation, filterText);
        if (edited === 'back') {
          step = 'operation';
          break;
        }
        if (edited === undefined) return undefined;
        filterText = edited.text;
        lastFilters = edited.filters;
        await memento.update(LAST_SEARCH_KEY, { service: service!, ...(operation ? { operation } : {}), filters: filterText } satisfies RememberedSearch);
        const query = buildQuery(service!, operation, edited.filters);
        const found = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Span Lens: searching ${service}${operation ? ` / ${operation}` : ''}`, cancellable: true },
          (_p, token) => runSearch(query, token),
        );
        results = found;
        step = 'results';
        break;
      }
      case 'results': {
        const saveArgs = lastFilters ? searchArgsOf(service!, operation, lastFilters) : undefined;
        const picked = await pickResult(results, `${service}${operation ? ` / ${operation}` : ''}`, true, saveArgs);
        if (picked === 'back') {
          step = 'filters';
          break;
        }
        if (picked) await openSummary(picked);
        return results;
      }
    }
  }
}

type ServicePick = { kind: 'service'; service: string } | { kind: 'last' };

async function pickService(sources: SourceManager, last: RememberedSearch | undefined): Promise<ServicePick | undefined> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { pick?: ServicePick }>();
  qp.title = 'Span Lens: Search Traces (1/3) — service';
  qp.placeholder = 'Service';
  qp.busy = true;
  qp.ignoreFocusOut = true;
  const cts = new vscode.CancellationTokenSource();
  const lastItem = last
    ? [{ label: `$(history) Last search: ${last.service}${last.operation ? ` / ${last.operation}` : ''}`, description: last.filters, pick: { kind: 'last' } as const }]
    : [];
  qp.items = lastItem;
  void (async () => {
    try {
      const services = await (await sources.source()).services(signalFromToken(cts.token));
      qp.items = [...lastItem, ...services.map((s) => ({ label: s, pick: { kind: 'service', service: s } as const }))];
      if (services.length === 0) qp.placeholder = 'The source reports no services yet';
    } catch (e) {
      qp.placeholder = `Could not list services: ${describeError(e)}`;
      sources.reportError(e, 'List services');
    } finally {
      qp.busy = false;
    }
  })();
  const result = await new Promise<ServicePick | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const sel = qp.selectedItems[0]?.pick ?? (qp.value.trim() ? { kind: 'service' as const, service: qp.value.trim() } : undefined);
      if (sel) resolve(sel);
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  cts.cancel();
  cts.dispose();
  qp.dispose();
  return result;
}

async function pickOperation(sources: SourceManager, service: string): Promise<{ operation: string | undefined } | 'back' | undefined> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { operation?: string; all?: boolean }>();
  qp.title = `Span Lens: Search Traces (2/3) — operation of ${service}`;
  qp.placeholder = 'Operation (or all)';
  qp.buttons = [vscode.QuickInputButtons.Back];
  qp.busy = true;
  qp.ignoreFocusOut = true;
  const all = { label: '$(list-flat) All operations', all: true };
  qp.items = [all];
  const cts = new vscode.CancellationTokenSource();
  void (async () => {
    try {
      const ops = await (await sources.source()).operations(service, signalFromToken(cts.token));
      ops.sort((a, b) => a.name.localeCompare(b.name));
      qp.items = [all, ...ops.map((o) => ({ label: o.name, description: o.spanKind || undefined, operation: o.name }))];
    } catch (e) {
      qp.placeholder = `Could not list operations: ${describeError(e)}`;
      sources.reportError(e, 'List operations');
    } finally {
      qp.busy = false;
    }
  })();
  const result = await new Promise<{ operation: string | undefined } | 'back' | undefined>((resolve) => {
    qp.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) resolve('back');
    });
    qp.onDidAccept(() => {
      const sel = qp.selectedItems[0];
      if (sel?.all) resolve({ operation: undefined });
      else if (sel?.operation) resolve({ operation: sel.operation });
      else if (qp.value.trim()) resolve({ operation: qp.value.trim() });
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  cts.cancel();
  cts.dispose();
  qp.dispose();
  return result;
}

async function editFilters(service: string, operation: string | undefined, initial: string): Promise<{ text: string; filters: SearchFilters } | 'back' | undefined> {
  const box = vscode.window.createInputBox();
  box.title = `Span Lens: Search Traces (3/3) — filters for ${service}${operation ? ` / ${operation}` : ''}`;
  box.prompt = 'Tags as key=value, and min=100ms max=2s lookback=1h limit=20. Enter to search.';
  box.value = initial;
  box.buttons = [vscode.QuickInputButtons.Back];
  box.ignoreFocusOut = true;
  const lookback = readConfig().lookback;
  const validate = (text: string): void => {
    const r = parseSearchFilters(text, lookback);
    box.validationMessage = r.ok ? undefined : r.error;
  };
  validate(initial);
  box.onDidChangeValue(validate);
  const result = await new Promise<{ text: string; filters: SearchFilters } | 'back' | undefined>((resolve) => {
    box.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) resolve('back');
    });
    box.onDidAccept(() => {
      const r = parseSearchFilters(box.value, lookback);
      if (r.ok) resolve({ text: box.value, filters: r.filters });
    });
    box.onDidHide(() => resolve(undefined));
    box.show();
  });
  box.dispose();
  return result;
}

/** The filter line's values as command arguments (what a saved search stores). */
function searchArgsOf(service: string, operation: string | undefined, f: SearchFilters): SearchArgs {
  return {
    service,
    ...(operation ? { operation } : {}),
    ...(Object.keys(f.tags).length > 0 ? { tags: f.tags } : {}),
    ...(f.minDurationUs !== undefined ? { minDuration: formatDurationUs(f.minDurationUs) } : {}),
    ...(f.maxDurationUs !== undefined ? { maxDuration: formatDurationUs(f.maxDurationUs) } : {}),
    lookback: formatDurationUs(f.lookbackUs),
    limit: f.limit,
  };
}

async function pickResult(results: readonly TraceSummary[], what: string, canGoBack = true, saveArgs?: SearchArgs): Promise<TraceSummary | 'back' | undefined> {
  type Item = vscode.QuickPickItem & { summary?: TraceSummary };
  const qp = vscode.window.createQuickPick<Item>();
  const byDuration: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('watch'), tooltip: 'Sort by duration (slowest first)' };
  const byTime: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('history'), tooltip: 'Sort by start time (newest first)' };
  let sort: SummarySort = 'time';
  const now = Date.now();
  const render = (): void => {
    qp.title = `Span Lens: ${results.length} trace(s) for ${what} — sorted by ${sort === 'time' ? 'start time' : 'duration'}`;
    qp.items = sortSummaries(results, sort).map((s) => ({ ...describeSummary(s, now), summary: s }));
  };
  const save: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('bookmark'), tooltip: 'Save this search (Traces view → Saved searches)' };
  qp.buttons = [...(canGoBack ? [vscode.QuickInputButtons.Back] : []), byDuration, byTime, ...(saveArgs ? [save] : [])];
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.placeholder = results.length === 0 ? 'No traces matched. Go back to change the filters.' : 'Pick a trace to open it';
  render();
  const result = await new Promise<TraceSummary | 'back' | undefined>((resolve) => {
    qp.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) resolve('back');
      else if (b === save && saveArgs) void vscode.commands.executeCommand(CommandId.SaveSearch, saveArgs, `${what}${saveArgs.tags ? ` ${JSON.stringify(saveArgs.tags)}` : ''}`);
      else {
        sort = b === byDuration ? 'duration' : 'time';
        render();
      }
    });
    qp.onDidAccept(() => resolve(qp.selectedItems[0]?.summary));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  return result;
}
