// The table views: critical path, self time (by service / by operation, sortable), findings, and the comparison
// of two traces. Every cell is text.
import type { SpanStore } from '../shared/viewModel';
import { formatDuration } from '../shared/viewModelLayout';
import { compareTraces, selfTimeTable, sortRows, type CompareRow, type SelfTimeRow } from '../shared/viewModelTables';
import { button, clear, el } from './dom';
import type { ViewerActions, ViewerState } from './viewerState';

interface Column<T> {
  readonly key: keyof T & string;
  readonly label: string;
  readonly numeric?: boolean;
  readonly format?: (row: T) => string;
  readonly className?: (row: T) => string | undefined;
}

/** A table whose header cells sort it (numbers largest first on the first click, text A→Z). */
export function sortableTable<T extends object>(caption: string, columns: readonly Column<T>[], rows: readonly T[], onRow?: (row: T) => void): HTMLElement {
  const wrap = el('div', 'sl-table-wrap');
  const table = el('table', 'sl-table');
  table.append(el('caption', undefined, caption));
  const head = el('thead');
  const headRow = el('tr');
  const body = el('tbody');
  let sortKey: (keyof T & string) | undefined;
  let ascending = false;
  const fill = (list: readonly T[]): void => {
    clear(body);
    for (const row of list) {
      const tr = el('tr');
      for (const c of columns) {
        const value = c.format ? c.format(row) : String(row[c.key]);
        const td = el('td', `${c.numeric ? 'is-num' : ''} ${c.className?.(row) ?? ''}`.trim(), value);
        tr.append(td);
      }
      if (onRow) {
        tr.tabIndex = 0;
        tr.classList.add('is-clickable');
        tr.addEventListener('click', () => onRow(row));
        tr.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') onRow(row);
        });
      }
      body.append(tr);
    }
  };
  for (const c of columns) {
    const th = el('th', c.numeric ? 'is-num' : undefined);
    const b = button(c.label, 'sl-sort', `Sort by ${c.label}`);
    b.addEventListener('click', () => {
      ascending = sortKey === c.key ? !ascending : !c.numeric;
      sortKey = c.key;
      for (const other of headRow.children) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      fill(sortRows(rows, c.key, ascending));
    });
    th.append(b);
    headRow.append(th);
  }
  head.append(headRow);
  table.append(head, body);
  fill(rows);
  wrap.append(table);
  return wrap;
}

const percent = (part: number, whole: number): string => (whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '–');

export function criticalPathView(state: ViewerState, actions: ViewerActions): HTMLElement {
  const { store } = state;
  const view = el('div', 'sl-table-view sl-critical-view');
  if (store.criticalPath.length === 0) {
    view.append(el('p', 'sl-muted', store.selfUs ? 'No critical path: the trace has no spans.' : 'No analysis of this trace (yet): the critical path shows once the host has analysed it.'));
    return view;
  }
  interface Row {
    readonly index: number;
    readonly step: number;
    readonly service: string;
    readonly operation: string;
    readonly start: number;
    readonly duration: number;
    readonly self: number;
  }
  const rows: Row[] = Array.from(store.criticalPath, (i, step) => ({
    index: i,
    step: step + 1,
    service: store.serviceName(i),
    operation: store.spanName(i),
    start: store.start[i]!,
    duration: store.duration[i]!,
    self: store.selfUs?.[i] ?? 0,
  }));
  view.append(
    el('p', 'sl-muted', `${rows.length} spans on the critical path: the chain of work that decided the trace's ${formatDuration(store.durationUs)}. Click a row to show it in the waterfall.`),
    sortableTable<Row>(
      'Critical path',
      [
        { key: 'step', label: '#', numeric: true },
        { key: 'service', label: 'Service' },
        { key: 'operation', label: 'Operation' },
        { key: 'start', label: 'Start', numeric: true, format: (r) => `+${formatDuration(r.start)}` },
        { key: 'duration', label: 'Duration', numeric: true, format: (r) => formatDuration(r.duration) },
        { key: 'self', label: 'Self time', numeric: true, format: (r) => formatDuration(r.self) },
      ],
      rows,
      (r) => actions.reveal(r.index),
    ),
  );
  return view;
}

export function selfTimeView(state: ViewerState): HTMLElement {
  const { store } = state;
  const view = el('div', 'sl-table-view sl-selftime-view');
  if (!store.selfUs) {
    view.append(el('p', 'sl-muted', 'No analysis of this trace (yet): self time shows once the host has analysed it.'));
    return view;
  }
  let traceSelf = 0;
  for (let i = 0; i < store.count; i++) traceSelf += store.selfUs[i]!;
  const columns = (withOperation: boolean): Column<SelfTimeRow>[] => [
    { key: 'service', label: 'Service' },
    ...(withOperation ? [{ key: 'operation', label: 'Operation' } as Column<SelfTimeRow>] : []),
    { key: 'count', label: 'Spans', numeric: true },
    { key: 'selfUs', label: 'Self time', numeric: true, format: (r) => formatDuration(r.selfUs) },
    { key: 'selfUs', label: '% of self', numeric: true, format: (r) => percent(r.selfUs, traceSelf) },
    { key: 'maxSelfUs', label: 'Max self', numeric: true, format: (r) => formatDuration(r.maxSelfUs) },
    { key: 'totalUs', label: 'Total duration', numeric: true, format: (r) => formatDuration(r.totalUs) },
    { key: 'errors', label: 'Errors', numeric: true, className: (r) => (r.errors > 0 ? 'is-bad' : undefined) },
  ];
  view.append(
    el('p', 'sl-muted', 'Self time: time a span spent not waiting on its children. Click a column to sort.'),
    sortableTable('Self time by service', columns(false), selfTimeTable(store, 'service')),
    sortableTable('Self time by operation', columns(true), selfTimeTable(store, 'operation')),
  );
  return view;
}

export function findingsView(state: ViewerState, actions: ViewerActions): HTMLElement {
  const { store } = state;
  const view = el('div', 'sl-table-view sl-findings-view');
  const findings = store.analysis?.findings ?? [];
  const warnings = store.payload.traceWarnings;
  if (findings.length === 0 && warnings.length === 0) {
    view.append(el('p', 'sl-muted', store.analysis ? 'Nothing found: no trace warnings and no analysis findings.' : 'No trace warnings.'));
    return view;
  }
  const list = el('ul', 'sl-findings');
  for (const f of findings) {
    const item = el('li', `sl-finding is-${f.severity}`);
    item.append(el('span', 'sl-badge', f.kind), el('span', 'sl-finding-text', f.message));
    const first = f.spans[0];
    if (first !== undefined) {
      const show = button(f.spans.length > 1 ? `Show (${f.spans.length} spans)` : 'Show span', 'sl-button sl-secondary');
      show.addEventListener('click', () => actions.reveal(first));
      item.append(show);
    }
    list.append(item);
  }
  for (const w of warnings) {
    const item = el('li', 'sl-finding is-warning');
    item.append(el('span', 'sl-badge', w.kind), el('span', 'sl-finding-text', w.message));
    const index = w.spanId !== undefined ? store.indexOf(w.spanId) : -1;
    if (index >= 0) {
      const show = button('Show span', 'sl-button sl-secondary');
      show.addEventListener('click', () => actions.reveal(index));
      item.append(show);
    }
    list.append(item);
  }
  view.append(list);
  return view;
}

export function compareView(a: SpanStore, b: SpanStore | undefined, canRequest: boolean, request: () => void): HTMLElement {
  const view = el('div', 'sl-table-view sl-compare-view');
  if (!b) {
    view.append(el('p', 'sl-muted', canRequest ? 'Pick a second trace to compare operation counts and durations.' : 'No second trace to compare with. Export with --compare OTHER to include one.'));
    if (canRequest) {
      const pick = button('Compare with…', 'sl-button sl-request-compare');
      pick.addEventListener('click', request);
      view.append(pick);
    }
    return view;
  }
  const rows = compareTraces(a, b);
  const summary = el('p', 'sl-compare-summary');
  summary.append(
    el('span', undefined, `A: ${a.traceId} (${a.count} spans, ${formatDuration(a.durationUs)})`),
    el('span', undefined, ` — B: ${b.traceId} (${b.count} spans, ${formatDuration(b.durationUs)})`),
  );
  const signed = (n: number, f: (x: number) => string): string => (n > 0 ? `+${f(n)}` : n < 0 ? `-${f(-n)}` : '0');
  const deltaClass = (n: number): string | undefined => (n > 0 ? 'is-worse' : n < 0 ? 'is-better' : undefined);
  view.append(
    summary,
    sortableTable<CompareRow>('Per operation: B compared with A', [
      { key: 'service', label: 'Service' },
      { key: 'operation', label: 'Operation' },
      { key: 'change', label: 'Change' },
      { key: 'countA', label: 'Count A', numeric: true },
      { key: 'countB', label: 'Count B', numeric: true },
      { key: 'countDelta', label: 'Δ count', numeric: true, format: (r) => signed(r.countDelta, String), className: (r) => deltaClass(r.countDelta) },
      { key: 'totalA', label: 'Duration A', numeric: true, format: (r) => formatDuration(r.totalA) },
      { key: 'totalB', label: 'Duration B', numeric: true, format: (r) => formatDuration(r.totalB) },
      { key: 'totalDelta', label: 'Δ duration', numeric: true, format: (r) => signed(r.totalDelta, formatDuration), className: (r) => deltaClass(r.totalDelta) },
    ], rows),
  );
  return view;
}
