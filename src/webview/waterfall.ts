// The virtualized waterfall: one scroll container whose height stands for every visible row, and a small pool of
// row elements recycled by row number (row r always lives in slot r % pool size, so scrolling one row rewrites one
// element). Rendering happens in requestAnimationFrame; each frame reads layout first, then only writes.
import { barExtent, formatDuration, ticks, visibleRowRange, type TimeWindow } from '../shared/viewModelLayout';
import { SpanFlag } from '../shared/viewModelPayload';
import { el, setText, toggleClass } from './dom';
import { Minimap } from './minimap';
import type { ViewerActions, ViewerState } from './viewerState';

export const ROW_HEIGHT = 24;
const OVERSCAN = 8;
const INDENT_PX = 14;
const MIN_INDENT_PX = 6;
/** Indentation never takes more than this share of the name column, so names stay readable in deep traces. */
const MAX_INDENT_SHARE = 0.45;
const LABEL_CHAR_PX = 7;
const MAX_EVENT_MARKS = 64;

interface RowSlot {
  readonly root: HTMLDivElement;
  readonly name: HTMLDivElement;
  readonly toggle: HTMLSpanElement;
  readonly swatch: HTMLSpanElement;
  readonly service: HTMLSpanElement;
  readonly op: HTMLSpanElement;
  readonly deep: HTMLSpanElement;
  readonly err: HTMLSpanElement;
  readonly bar: HTMLDivElement;
  readonly label: HTMLSpanElement;
  /** Holds one mark per event (log) on the bar; its children are reused between rows. */
  readonly marks: HTMLDivElement;
  /** What the slot shows now: row number, span, and the layout version it was drawn for. */
  row: number;
  span: number;
  layoutKey: string;
}

export class Waterfall {
  readonly element: HTMLDivElement;
  readonly scroller: HTMLDivElement;
  private readonly sizer: HTMLDivElement;
  private readonly ruler: HTMLDivElement;
  private readonly rulerSelection: HTMLDivElement;
  private readonly gridlines: HTMLDivElement;
  private readonly rowCountLabel: HTMLSpanElement;
  private readonly minimap: Minimap;
  private slots: RowSlot[] = [];
  private readonly slotBySpanElement = new WeakMap<Element, RowSlot>();
  private tickEls: HTMLDivElement[] = [];
  private gridEls: HTMLDivElement[] = [];
  private frame = 0;
  private viewportHeight = 0;
  private timelineWidth = 0;
  private nameWidth = 0;
  private nameFraction = 0.36;
  private drawnTreeVersion = -1;
  private drawnWindowKey = '';
  /** Called after each frame with the frame's own duration (the benchmark listens). */
  onFrame: ((ms: number) => void) | undefined;

  constructor(
    private readonly state: ViewerState,
    private readonly actions: ViewerActions,
  ) {
    this.element = el('div', 'sl-waterfall');
    this.minimap = new Minimap(state, actions, (fraction) => this.scrollToFraction(fraction));
    const rulerRow = el('div', 'sl-ruler-row');
    const nameHead = el('div', 'sl-name-head');
    nameHead.append(el('span', 'sl-name-head-title', 'Service · operation'));
    this.rowCountLabel = el('span', 'sl-row-count');
    nameHead.append(this.rowCountLabel);
    const splitter = el('div', 'sl-splitter');
    splitter.title = 'Drag to resize the name column';
    nameHead.append(splitter);
    this.ruler = el('div', 'sl-ruler');
    this.ruler.title = 'Drag to zoom into a time range';
    this.rulerSelection = el('div', 'sl-ruler-selection');
    this.ruler.append(this.rulerSelection);
    rulerRow.append(nameHead, this.ruler);

    const body = el('div', 'sl-body');
    this.gridlines = el('div', 'sl-gridlines');
    this.scroller = el('div', 'sl-scroll');
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute('role', 'tree');
    this.scroller.setAttribute('aria-label', 'Spans');
    this.sizer = el('div', 'sl-sizer');
    this.scroller.append(this.sizer);
    body.append(this.gridlines, this.scroller);
    this.element.append(this.minimap.element, rulerRow, body);

    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.scroller.addEventListener('click', (e) => this.onClick(e));
    this.scroller.addEventListener('dblclick', (e) => {
      const slot = this.slotOf(e.target);
      if (slot && slot.span >= 0) this.actions.toggle(slot.span);
    });
    new ResizeObserver((entries) => {
      for (const entry of entries) {
        this.viewportHeight = entry.contentRect.height;
        this.layoutColumns(entry.contentRect.width);
      }
      this.ensurePool();
      this.schedule();
    }).observe(this.scroller);
    this.installRulerDrag();
    this.installSplitter(splitter);
  }

  /** Request a frame; several requests in one frame draw once. */
  schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const t0 = performance.now();
      this.render();
      this.onFrame?.(performance.now() - t0);
    });
  }

  /** Draw now (first paint, tests). */
  renderNow(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.render();
  }

  scrollRowIntoView(row: number): void {
    this.syncRowCount();
    const top = row * ROW_HEIGHT;
    const viewTop = this.scroller.scrollTop;
    const height = this.viewportHeight || this.scroller.clientHeight;
    if (top < viewTop) this.scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > viewTop + height) this.scroller.scrollTop = top + ROW_HEIGHT - height;
    this.schedule();
  }

  /** Centre a row (used by find and reveal, where context around the row helps). */
  centerRow(row: number): void {
    this.syncRowCount();
    const height = this.viewportHeight || this.scroller.clientHeight;
    this.scroller.scrollTop = Math.max(0, row * ROW_HEIGHT - height / 2 + ROW_HEIGHT / 2);
    this.schedule();
  }

  /** Rows that fit in the viewport (for PageUp/PageDown). */
  pageRows(): number {
    return Math.max(1, Math.floor((this.viewportHeight || this.scroller.clientHeight) / ROW_HEIGHT) - 1);
  }

  /** Redraw every row (colours changed). */
  forceRedraw(): void {
    for (const slot of this.slots) slot.layoutKey = '';
    this.schedule();
  }

  /** Redraws the minimap picture (rows or colours changed). */
  invalidateMinimap(): void {
    this.minimap.invalidate();
  }

  private scrollToFraction(fraction: number): void {
    const rows = this.state.tree.rowCount;
    this.centerRow(Math.round(fraction * rows));
  }

  /**
   * The sizer's height must match the rows before anything scrolls: a scrollTop set against a stale (shorter)
   * height would be clamped and land on the wrong row.
   */
  private syncRowCount(): void {
    const tree = this.state.tree;
    if (this.drawnTreeVersion === tree.version) return;
    this.sizer.style.height = `${tree.rowCount * ROW_HEIGHT}px`;
    setText(this.rowCountLabel, `${tree.rowCount.toLocaleString('en-US')} ${tree.rowCount === 1 ? 'row' : 'rows'}`);
    this.drawnTreeVersion = tree.version;
    this.minimap.invalidate();
  }

  private layoutColumns(width: number): void {
    this.nameWidth = Math.round(Math.max(120, Math.min(width - 120, width * this.nameFraction)));
    this.timelineWidth = Math.max(1, width - this.nameWidth);
    this.element.style.setProperty('--sl-name-w', `${this.nameWidth}px`);
    this.element.style.setProperty('--sl-time-w', `${this.timelineWidth}px`);
  }

  private ensurePool(): void {
    const needed = Math.ceil(this.viewportHeight / ROW_HEIGHT) + 2 * OVERSCAN + 1;
    while (this.slots.length < needed) this.slots.push(this.createSlot());
    // A grown pool changes r % size for every row: force every slot to redraw.
    for (const s of this.slots) s.row = -1;
  }

  private createSlot(): RowSlot {
    const root = el('div', 'sl-row');
    root.setAttribute('role', 'treeitem');
    const name = el('div', 'sl-name');
    const toggle = el('span', 'sl-toggle');
    const swatch = el('span', 'sl-swatch');
    const service = el('span', 'sl-svc');
    const op = el('span', 'sl-op');
    const deep = el('span', 'sl-deep');
    const err = el('span', 'sl-err', '!');
    err.title = 'Error';
    name.append(toggle, deep, swatch, service, op, err);
    const area = el('div', 'sl-bar-area');
    const bar = el('div', 'sl-bar');
    const label = el('span', 'sl-dur');
    const marks = el('div', 'sl-event-marks');
    area.append(bar, marks, label);
    root.append(name, area);
    root.style.display = 'none';
    this.sizer.append(root);
    const slot: RowSlot = { root, name, toggle, swatch, service, op, deep, err, bar, label, marks, row: -1, span: -1, layoutKey: '' };
    this.slotBySpanElement.set(root, slot);
    return slot;
  }

  private slotOf(target: EventTarget | null): RowSlot | undefined {
    const row = target instanceof Element ? target.closest('.sl-row') : null;
    return row ? this.slotBySpanElement.get(row) : undefined;
  }

  private onClick(e: MouseEvent): void {
    const slot = this.slotOf(e.target);
    if (!slot || slot.span < 0) return;
    if (e.target instanceof Element && e.target.closest('.sl-toggle')) {
      this.actions.toggle(slot.span);
      return;
    }
    this.actions.select(slot.span, false);
  }

  private render(): void {
    const { tree, window } = this.state;
    // Reads first.
    const scrollTop = this.scroller.scrollTop;
    const height = this.viewportHeight;
    // Writes.
    this.syncRowCount();
    const windowKey = `${window.from}:${window.to}:${this.timelineWidth}`;
    if (windowKey !== this.drawnWindowKey) {
      this.drawnWindowKey = windowKey;
      this.drawRuler(window);
    }
    const layoutKey = `${tree.version}|${windowKey}|${this.nameWidth}`;

    const { first, last } = visibleRowRange(scrollTop, height, ROW_HEIGHT, tree.rowCount, OVERSCAN);
    const pool = this.slots.length;
    if (pool === 0) return;
    const end = Math.min(last, first + pool);
    const used = new Uint8Array(pool);
    for (let r = first; r < end; r++) {
      const slot = this.slots[r % pool]!;
      used[r % pool] = 1;
      const span = tree.rows[r]!;
      if (slot.row !== r || slot.span !== span || slot.layoutKey !== layoutKey) {
        this.drawRow(slot, r, span);
        slot.layoutKey = layoutKey;
      }
      this.drawRowState(slot, span);
    }
    for (let k = 0; k < pool; k++) {
      const slot = this.slots[k]!;
      if (!used[k] && slot.row !== -1) {
        slot.root.style.display = 'none';
        delete slot.root.dataset['row'];
        slot.row = -1;
        slot.span = -1;
      }
    }
    this.minimap.setViewport(tree.rowCount === 0 ? 0 : scrollTop / ROW_HEIGHT / tree.rowCount, tree.rowCount === 0 ? 1 : (scrollTop + height) / ROW_HEIGHT / tree.rowCount);
    this.minimap.draw();
  }

  private drawRow(slot: RowSlot, row: number, span: number): void {
    const { store, tree, window, serviceColors } = this.state;
    if (slot.row === -1) slot.root.style.display = '';
    slot.row = row;
    slot.span = span;
    slot.root.style.transform = `translateY(${row * ROW_HEIGHT}px)`;
    slot.root.dataset['row'] = String(row);
    const depth = store.depth[span]!;
    // Deep traces get a narrower step; past the cap the row says its depth instead of indenting further.
    const budget = this.nameWidth * MAX_INDENT_SHARE;
    const step = Math.max(MIN_INDENT_PX, Math.min(INDENT_PX, budget / Math.max(1, store.maxDepth)));
    const indent = Math.min(depth * step, budget);
    slot.name.style.paddingLeft = `${4 + indent}px`;
    setText(slot.deep, depth * step > budget ? `↳${depth}` : '');
    const hasChildren = tree.hasChildren(span);
    setText(slot.toggle, hasChildren ? (tree.isCollapsed(span) ? '▸' : '▾') : '');
    slot.root.setAttribute('aria-level', String(depth + 1));
    if (hasChildren) slot.root.setAttribute('aria-expanded', String(!tree.isCollapsed(span)));
    else slot.root.removeAttribute('aria-expanded');
    const color = serviceColors[store.service[span]!] ?? 'gray';
    slot.swatch.style.backgroundColor = color;
    setText(slot.service, store.serviceName(span));
    setText(slot.op, store.spanName(span));
    const error = store.has(span, SpanFlag.error);
    toggleClass(slot.root, 'is-error', error);
    toggleClass(slot.root, 'is-collapsed', hasChildren && tree.isCollapsed(span));

    const start = store.start[span]!;
    const duration = store.duration[span]!;
    const ext = barExtent(start, duration, window);
    const label = formatDuration(duration);
    setText(slot.label, label);
    this.drawEventMarks(slot, span);
    if (!ext) {
      slot.bar.style.display = 'none';
      slot.label.style.left = start > window.to ? `${this.timelineWidth - label.length * LABEL_CHAR_PX - 4}px` : '4px';
      return;
    }
    const left = ext.left * this.timelineWidth;
    const width = Math.max(1, ext.width * this.timelineWidth);
    slot.bar.style.display = '';
    slot.bar.style.left = `${left}px`;
    slot.bar.style.width = `${width}px`;
    slot.bar.style.backgroundColor = color;
    // Label right of the bar when it fits, else left of it, else inside the bar's end.
    const labelWidth = label.length * LABEL_CHAR_PX + 6;
    const rightSpace = this.timelineWidth - (left + width);
    const inside = rightSpace < labelWidth && left < labelWidth;
    toggleClass(slot.label, 'is-inside', inside);
    slot.label.style.left = inside ? `${Math.max(left + 2, left + width - labelWidth)}px` : rightSpace >= labelWidth ? `${left + width + 4}px` : `${left - labelWidth}px`;
  }

  /**
   * A tick on the bar at each event's time, as Jaeger UI marks logs; exceptions in the error colour. Events that fall
   * on the same pixel share a tick, and a span with thousands of events still draws at most MAX_EVENT_MARKS.
   */
  private drawEventMarks(slot: RowSlot, span: number): void {
    const { store, window } = this.state;
    const payload = store.payload;
    const from = payload.spans.eventStart[span]!;
    const to = payload.spans.eventStart[span + 1]!;
    const extent = window.to - window.from;
    let drawn = 0;
    let lastX = Number.NEGATIVE_INFINITY;
    for (let e = from; e < to && drawn < MAX_EVENT_MARKS && extent > 0; e++) {
      const time = payload.events.time[e]!;
      if (time < window.from || time > window.to) continue;
      const x = Math.round(((time - window.from) / extent) * this.timelineWidth);
      const name = payload.strings[payload.events.name[e]!] ?? '';
      const exception = name === 'exception';
      if (x - lastX < 2 && !exception) continue;
      lastX = x;
      let mark = slot.marks.children[drawn] as HTMLElement | undefined;
      if (!mark) {
        mark = el('span', 'sl-event-mark');
        slot.marks.append(mark);
      }
      mark.style.display = '';
      mark.style.transform = `translateX(${x - 1}px)`;
      toggleClass(mark, 'is-exception', exception);
      if (mark.title !== name) mark.title = name;
      drawn++;
    }
    for (let k = drawn; k < slot.marks.children.length; k++) (slot.marks.children[k] as HTMLElement).style.display = 'none';
  }

  /** Selection / find / critical-path classes: cheap toggles, run for every visible row each frame. */
  private drawRowState(slot: RowSlot, span: number): void {
    const s = this.state;
    toggleClass(slot.root, 'is-selected', s.selected === span);
    toggleClass(slot.root, 'is-match', s.findHits[span] === 1);
    toggleClass(slot.root, 'is-current-match', s.currentMatch === span);
    toggleClass(slot.root, 'is-critical', s.critical[span] === 1);
    const selected = s.selected === span ? 'true' : 'false';
    if (slot.root.getAttribute('aria-selected') !== selected) slot.root.setAttribute('aria-selected', selected);
  }

  private drawRuler(window: TimeWindow): void {
    const list = ticks(window, Math.max(2, Math.floor(this.timelineWidth / 110)));
    while (this.tickEls.length < list.length) {
      const t = el('div', 'sl-tick');
      t.append(el('span', 'sl-tick-label'));
      this.ruler.append(t);
      this.tickEls.push(t);
      const g = el('div', 'sl-gridline');
      this.gridlines.append(g);
      this.gridEls.push(g);
    }
    for (let k = 0; k < this.tickEls.length; k++) {
      const t = this.tickEls[k]!;
      const g = this.gridEls[k]!;
      const tick = list[k];
      if (!tick) {
        t.style.display = 'none';
        g.style.display = 'none';
        continue;
      }
      const x = Math.round(tick.x * this.timelineWidth);
      t.style.display = '';
      g.style.display = '';
      t.style.transform = `translateX(${x}px)`;
      g.style.transform = `translateX(${x}px)`;
      setText(t.firstChild!, tick.label);
      // The last label would overflow the right edge: anchor it to the tick's left.
      toggleClass(t, 'is-end', x > this.timelineWidth - 60);
    }
  }

  private installRulerDrag(): void {
    let startX = -1;
    let rulerLeft = 0;
    const toTime = (x: number): number => {
      const w = this.state.window;
      return w.from + (Math.max(0, Math.min(this.timelineWidth, x)) / this.timelineWidth) * (w.to - w.from);
    };
    this.ruler.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      rulerLeft = this.ruler.getBoundingClientRect().left;
      startX = e.clientX - rulerLeft;
      this.ruler.setPointerCapture(e.pointerId);
    });
    this.ruler.addEventListener('pointermove', (e) => {
      if (startX < 0) return;
      const x = e.clientX - rulerLeft;
      const a = Math.max(0, Math.min(startX, x));
      const b = Math.min(this.timelineWidth, Math.max(startX, x));
      this.rulerSelection.style.display = 'block';
      this.rulerSelection.style.transform = `translateX(${a}px)`;
      this.rulerSelection.style.width = `${b - a}px`;
    });
    const finish = (e: PointerEvent): void => {
      if (startX < 0) return;
      const x = e.clientX - rulerLeft;
      this.rulerSelection.style.display = 'none';
      if (Math.abs(x - startX) > 3) this.actions.zoom({ from: toTime(Math.min(startX, x)), to: toTime(Math.max(startX, x)) });
      startX = -1;
    };
    this.ruler.addEventListener('pointerup', finish);
    this.ruler.addEventListener('pointercancel', () => {
      startX = -1;
      this.rulerSelection.style.display = 'none';
    });
  }

  private installSplitter(splitter: HTMLElement): void {
    let dragging = false;
    let left = 0;
    let width = 0;
    splitter.addEventListener('pointerdown', (e) => {
      dragging = true;
      const rect = this.scroller.getBoundingClientRect();
      left = rect.left;
      width = this.scroller.clientWidth;
      splitter.setPointerCapture(e.pointerId);
      e.stopPropagation();
    });
    splitter.addEventListener('pointermove', (e) => {
      if (!dragging || width <= 0) return;
      this.nameFraction = Math.max(0.15, Math.min(0.75, (e.clientX - left) / width));
      this.layoutColumns(width);
      this.schedule();
    });
    splitter.addEventListener('pointerup', () => {
      dragging = false;
    });
  }
}
