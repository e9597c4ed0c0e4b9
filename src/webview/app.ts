// The viewer app: owns the state, builds the views, routes actions and keys. Views only draw.
import type { ViewerState as PersistedState, ViewerTab } from '../shared/protocol';
import { SpanStore, TreeState } from '../shared/viewModel';
import { findSpans, nextMatch, type FindResult } from '../shared/viewModelFind';
import { clampWindow, type TimeWindow } from '../shared/viewModelLayout';
import type { AnalysisPayload, TracePayload } from '../shared/viewModelPayload';
import { detectTheme, serviceColor } from './colors';
import { DetailsPane } from './details';
import { button, clear, el, toggleClass } from './dom';
import { Flamegraph } from './flamegraph';
import { TraceHeader } from './header';
import type { HostBridge } from './host';
import { compareView, criticalPathView, findingsView, selfTimeView } from './tables';
import type { ViewerActions, ViewerState } from './viewerState';
import { Waterfall } from './waterfall';

const TAB_LABELS: ReadonlyArray<[ViewerTab, string]> = [
  ['waterfall', 'Waterfall'],
  ['flamegraph', 'Flamegraph'],
  ['critical', 'Critical path'],
  ['selftime', 'Self time'],
  ['findings', 'Findings'],
  ['compare', 'Compare'],
];

/** Everything that exists only while a trace is shown. */
interface Loaded {
  readonly state: ViewerState;
  readonly header: TraceHeader;
  readonly waterfall: Waterfall;
  readonly flame: Flamegraph;
  readonly details: DetailsPane;
  readonly tabPanels: Map<ViewerTab, HTMLElement>;
  readonly tabButtons: Map<ViewerTab, HTMLButtonElement>;
  readonly findInput: HTMLInputElement;
  readonly findCount: HTMLSpanElement;
  readonly resetZoom: HTMLButtonElement;
  readonly tableHost: HTMLDivElement;
  compare: SpanStore | undefined;
  find: FindResult;
  tab: ViewerTab;
}

export class ViewerApp implements ViewerActions {
  private loaded: Loaded | undefined;
  private findTimer = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: HostBridge,
  ) {
    new MutationObserver(() => this.applyTheme()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.applyTheme());
    document.addEventListener('keydown', (e) => this.onKey(e));
  }

  showMessage(text: string, kind: 'loading' | 'error'): void {
    this.loaded = undefined;
    clear(this.root);
    const box = el('div', `sl-message is-${kind}`);
    box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    box.append(el('p', undefined, text));
    this.root.append(box);
  }

  showTrace(payload: TracePayload, restore?: PersistedState): void {
    const store = new SpanStore(payload);
    const tree = new TreeState(store);
    const theme = detectTheme();
    const critical = new Uint8Array(store.count);
    for (const i of store.criticalPath) critical[i] = 1;
    const state: ViewerState = {
      store,
      tree,
      selected: -1,
      window: { from: 0, to: Math.max(store.durationUs, 1) },
      findHits: new Uint8Array(store.count),
      currentMatch: -1,
      critical,
      theme,
      serviceColors: store.serviceNames.map((_, s) => serviceColor(s, theme)),
      hostConnected: this.host.connected,
    };

    clear(this.root);
    const header = new TraceHeader(state, (s, solo) => this.filterService(s, solo));
    const toolbar = el('div', 'sl-toolbar');
    const tabs = el('div', 'sl-tabs');
    tabs.setAttribute('role', 'tablist');
    const tabButtons = new Map<ViewerTab, HTMLButtonElement>();
    for (const [tab, label] of TAB_LABELS) {
      const b = button(label, 'sl-tab');
      b.setAttribute('role', 'tab');
      b.dataset['tab'] = tab;
      b.addEventListener('click', () => this.setTab(tab));
      tabs.append(b);
      tabButtons.set(tab, b);
    }
    const findBox = el('div', 'sl-find');
    const findInput = el('input', 'sl-find-input');
    findInput.type = 'search';
    findInput.placeholder = 'Find spans  ( / )';
    findInput.title = 'Find by operation or service name, attribute value (or key=value) or span id';
    findInput.setAttribute('aria-label', 'Find spans');
    const findCount = el('span', 'sl-find-count');
    findCount.setAttribute('aria-live', 'polite');
    const prev = button('↑', 'sl-icon-button sl-find-prev', 'Previous match (Shift+Enter, N)');
    const next = button('↓', 'sl-icon-button sl-find-next', 'Next match (Enter, n)');
    findBox.append(findInput, findCount, prev, next);
    findInput.addEventListener('input', () => {
      window.clearTimeout(this.findTimer);
      this.findTimer = window.setTimeout(() => this.runFind(findInput.value), 120);
    });
    prev.addEventListener('click', () => this.stepMatch(-1));
    next.addEventListener('click', () => this.stepMatch(1));

    const tools = el('div', 'sl-tools');
    const expandAll = button('Expand all', 'sl-button sl-secondary sl-expand-all');
    expandAll.addEventListener('click', () => this.treeChanged(() => tree.expandAll()));
    const depthSelect = el('select', 'sl-depth');
    depthSelect.setAttribute('aria-label', 'Collapse to depth');
    depthSelect.append(new Option('Collapse to depth…', ''));
    for (let d = 1; d <= Math.min(store.maxDepth, 12); d++) depthSelect.append(new Option(`Depth ${d}`, String(d)));
    depthSelect.addEventListener('change', () => {
      const d = Number(depthSelect.value);
      if (d > 0) this.treeChanged(() => tree.collapseToDepth(d));
      depthSelect.value = '';
    });
    const resetZoom = button('Reset zoom', 'sl-button sl-secondary sl-reset-zoom', 'Show the whole trace (Esc)');
    resetZoom.disabled = true;
    resetZoom.addEventListener('click', () => this.zoom(undefined));
    tools.append(expandAll, depthSelect, resetZoom);
    if (this.host.connected) {
      const exportHtml = button('Export HTML', 'sl-button sl-secondary sl-export', 'Save this trace as a self-contained HTML page');
      exportHtml.addEventListener('click', () => this.host.post({ type: 'exportHtml' }));
      tools.append(exportHtml);
    }
    toolbar.append(tabs, findBox, tools);

    const main = el('div', 'sl-main');
    const view = el('div', 'sl-view');
    const tableHost = el('div', 'sl-table-host');
    const loaded: Loaded = {
      state,
      header,
      waterfall: new Waterfall(state, this),
      flame: new Flamegraph(state, this),
      details: new DetailsPane(state, this, this.host),
      tabPanels: new Map(),
      tabButtons,
      findInput,
      findCount,
      resetZoom,
      tableHost,
      compare: undefined,
      find: { query: '', matches: new Int32Array(0) },
      tab: 'waterfall',
    };
    loaded.tabPanels.set('waterfall', loaded.waterfall.element);
    loaded.tabPanels.set('flamegraph', loaded.flame.element);
    view.append(loaded.waterfall.element, loaded.flame.element, tableHost);
    main.append(view, loaded.details.element);
    this.root.append(header.element, toolbar, main);
    this.loaded = loaded;

    const restoredSpan = restore?.selectedSpanId !== undefined ? store.indexOf(restore.selectedSpanId) : -1;
    if (restoredSpan >= 0) {
      tree.reveal(restoredSpan);
      state.selected = restoredSpan;
    }
    this.setTab(restore?.tab ?? 'waterfall', false);
    loaded.details.update(true);
    loaded.waterfall.renderNow();
    if (restoredSpan >= 0) loaded.waterfall.centerRow(tree.rowOf[restoredSpan]!);
    this.persist();
  }

  setCompare(payload: TracePayload): void {
    const loaded = this.loaded;
    if (!loaded) return;
    loaded.compare = new SpanStore(payload);
    this.setTab('compare');
  }

  /** Analysis that arrived after the trace (large traces are shown before they are analysed). */
  applyAnalysis(traceId: string, analysis: AnalysisPayload): boolean {
    const loaded = this.loaded;
    if (!loaded || loaded.state.store.traceId !== traceId || !loaded.state.store.applyAnalysis(analysis)) return false;
    const { state } = loaded;
    state.critical.fill(0);
    for (const i of state.store.criticalPath) state.critical[i] = 1;
    loaded.details.update(true);
    loaded.waterfall.forceRedraw();
    if (loaded.tab !== 'waterfall' && loaded.tab !== 'flamegraph') this.setTab(loaded.tab, false);
    return true;
  }

  revealSpanId(spanId: string): void {
    const i = this.loaded?.state.store.indexOf(spanId) ?? -1;
    if (i >= 0) this.reveal(i);
  }

  // ---- actions ----

  select(span: number, scroll: boolean): void {
    const loaded = this.loaded;
    if (!loaded) return;
    const { state } = loaded;
    if (span >= 0 && state.tree.rowOf[span]! < 0 && state.tree.reveal(span)) this.afterTreeChange();
    state.selected = span;
    loaded.details.update();
    if (scroll && span >= 0) loaded.waterfall.scrollRowIntoView(state.tree.rowOf[span]!);
    loaded.waterfall.schedule();
    if (loaded.tab === 'flamegraph') loaded.flame.schedule();
    this.persist();
  }

  toggle(span: number): void {
    this.treeChanged(() => this.loaded?.state.tree.toggle(span));
  }

  zoom(window: TimeWindow | undefined): void {
    const loaded = this.loaded;
    if (!loaded) return;
    const total = Math.max(loaded.state.store.durationUs, 1);
    loaded.state.window = window ? clampWindow(window, total) : { from: 0, to: total };
    loaded.resetZoom.disabled = !window;
    loaded.waterfall.schedule();
    loaded.flame.schedule();
  }

  reveal(span: number): void {
    const loaded = this.loaded;
    if (!loaded) return;
    if (loaded.tab !== 'waterfall') this.setTab('waterfall');
    if (loaded.state.tree.reveal(span)) this.afterTreeChange();
    loaded.state.selected = span;
    loaded.details.update();
    loaded.waterfall.centerRow(loaded.state.tree.rowOf[span]!);
    this.persist();
  }

  // ---- internals ----

  private treeChanged(change: () => void): void {
    change();
    this.afterTreeChange();
  }

  private afterTreeChange(): void {
    const loaded = this.loaded;
    if (!loaded) return;
    loaded.waterfall.invalidateMinimap();
    loaded.waterfall.schedule();
    loaded.header.update();
    if (loaded.tab === 'flamegraph') loaded.flame.schedule();
  }

  private filterService(service: number, solo: boolean): void {
    const tree = this.loaded?.state.tree;
    if (!tree) return;
    this.treeChanged(() => (solo ? tree.soloService(service) : tree.setServiceHidden(service, tree.hiddenServices[service] !== 1)));
  }

  private setTab(tab: ViewerTab, persist = true): void {
    const loaded = this.loaded;
    if (!loaded) return;
    loaded.tab = tab;
    for (const [t, b] of loaded.tabButtons) {
      b.setAttribute('aria-selected', String(t === tab));
      toggleClass(b, 'is-active', t === tab);
    }
    loaded.waterfall.element.hidden = tab !== 'waterfall';
    loaded.flame.element.hidden = tab !== 'flamegraph';
    loaded.tableHost.hidden = tab === 'waterfall' || tab === 'flamegraph';
    clear(loaded.tableHost);
    const { state } = loaded;
    if (tab === 'critical') loaded.tableHost.append(criticalPathView(state, this));
    else if (tab === 'selftime') loaded.tableHost.append(selfTimeView(state));
    else if (tab === 'findings') loaded.tableHost.append(findingsView(state, this));
    else if (tab === 'compare') loaded.tableHost.append(compareView(state.store, loaded.compare, this.host.connected, () => this.host.post({ type: 'requestCompare' })));
    else if (tab === 'flamegraph') loaded.flame.schedule();
    else loaded.waterfall.schedule();
    if (persist) this.persist();
  }

  private runFind(query: string): void {
    const loaded = this.loaded;
    if (!loaded) return;
    const { state } = loaded;
    loaded.find = findSpans(state.store, query);
    state.findHits.fill(0);
    for (const i of loaded.find.matches) state.findHits[i] = 1;
    state.currentMatch = -1;
    if (loaded.find.matches.length > 0) this.stepMatch(1, state.selected >= 0 ? state.selected - 1 : -1);
    else this.showFindCount();
    loaded.waterfall.schedule();
  }

  private stepMatch(direction: 1 | -1, from?: number): void {
    const loaded = this.loaded;
    if (!loaded) return;
    const { matches } = loaded.find;
    const k = nextMatch(matches, from ?? loaded.state.currentMatch, direction);
    if (k < 0) {
      this.showFindCount();
      return;
    }
    const span = matches[k]!;
    loaded.state.currentMatch = span;
    if (loaded.tab !== 'waterfall') this.setTab('waterfall');
    if (loaded.state.tree.reveal(span)) this.afterTreeChange();
    loaded.state.selected = span;
    loaded.details.update();
    loaded.waterfall.centerRow(loaded.state.tree.rowOf[span]!);
    this.showFindCount(k);
    this.persist();
  }

  private showFindCount(position?: number): void {
    const loaded = this.loaded;
    if (!loaded) return;
    const n = loaded.find.matches.length;
    loaded.findCount.textContent = loaded.find.query === '' ? '' : n === 0 ? 'No matches' : `${position === undefined ? '–' : position + 1} / ${n}`;
    toggleClass(loaded.findInput, 'is-missing', loaded.find.query !== '' && n === 0);
  }

  private applyTheme(): void {
    const loaded = this.loaded;
    if (!loaded) return;
    const theme = detectTheme();
    if (theme === loaded.state.theme) return;
    loaded.state.theme = theme;
    loaded.state.serviceColors = loaded.state.store.serviceNames.map((_, s) => serviceColor(s, theme));
    loaded.header.update();
    loaded.details.update(true);
    loaded.waterfall.invalidateMinimap();
    loaded.waterfall.forceRedraw();
    loaded.flame.schedule();
  }

  private persist(): void {
    const loaded = this.loaded;
    if (!loaded || !this.host.connected) return;
    const { store, selected } = loaded.state;
    this.host.setState({
      traceId: store.traceId,
      source: store.source,
      ...(loaded.compare ? { compareTraceId: loaded.compare.traceId, compareSource: loaded.compare.source } : {}),
      ...(selected >= 0 ? { selectedSpanId: store.spanId(selected) } : {}),
      tab: loaded.tab,
    });
  }

  private onKey(e: KeyboardEvent): void {
    const loaded = this.loaded;
    if (!loaded) return;
    const target = e.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement) {
      if (target === loaded.findInput) {
        if (e.key === 'Enter') {
          e.preventDefault();
          window.clearTimeout(this.findTimer);
          if (loaded.find.query !== target.value.trim()) this.runFind(target.value);
          else this.stepMatch(e.shiftKey ? -1 : 1);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          loaded.waterfall.scroller.focus();
        }
      }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const { state } = loaded;
    const { tree, store } = state;
    const row = state.selected >= 0 ? tree.rowOf[state.selected]! : -1;
    const selectRow = (r: number): void => {
      if (tree.rowCount === 0) return;
      const clamped = Math.max(0, Math.min(tree.rowCount - 1, r));
      this.select(tree.rows[clamped]!, true);
    };
    let handled = true;
    switch (e.key) {
      case '/':
        loaded.findInput.focus();
        loaded.findInput.select();
        break;
      case 'n':
        this.stepMatch(1);
        break;
      case 'N':
        this.stepMatch(-1);
        break;
      case 'Escape':
        if (state.window.from > 0 || state.window.to < Math.max(store.durationUs, 1)) this.zoom(undefined);
        else handled = false;
        break;
      default:
        handled = false;
    }
    if (!handled && loaded.tab === 'waterfall') {
      handled = true;
      switch (e.key) {
        case 'ArrowDown':
        case 'j':
          selectRow(row + 1);
          break;
        case 'ArrowUp':
        case 'k':
          selectRow(row < 0 ? 0 : row - 1);
          break;
        case 'PageDown':
          selectRow(row + loaded.waterfall.pageRows());
          break;
        case 'PageUp':
          selectRow(row - loaded.waterfall.pageRows());
          break;
        case 'Home':
          selectRow(0);
          break;
        case 'End':
          selectRow(tree.rowCount - 1);
          break;
        case 'ArrowRight':
          if (state.selected < 0) selectRow(0);
          else if (tree.hasChildren(state.selected) && tree.isCollapsed(state.selected)) this.toggle(state.selected);
          else if (tree.hasChildren(state.selected)) selectRow(row + 1);
          break;
        case 'ArrowLeft':
          if (state.selected < 0) selectRow(0);
          else if (tree.hasChildren(state.selected) && !tree.isCollapsed(state.selected)) this.toggle(state.selected);
          else if (store.parent[state.selected]! >= 0) this.select(store.parent[state.selected]!, true);
          break;
        case 'Enter':
        case ' ':
          if (state.selected >= 0) this.toggle(state.selected);
          break;
        default:
          handled = false;
      }
    }
    if (handled) e.preventDefault();
  }
}
