// The trace header: what the trace is, its figures, and the service legend (which doubles as the service filter).
import { formatDuration } from '../shared/viewModelLayout';
import { button, clear, el, toggleClass } from './dom';
import type { ViewerState } from './viewerState';

export class TraceHeader {
  readonly element: HTMLElement;
  private readonly title: HTMLHeadingElement;
  private readonly stats: HTMLDivElement;
  private readonly legend: HTMLDivElement;
  private chips: HTMLButtonElement[] = [];

  constructor(
    private readonly state: ViewerState,
    private readonly onServiceFilter: (service: number, solo: boolean) => void,
  ) {
    this.element = el('header', 'sl-header');
    this.title = el('h1', 'sl-title');
    this.stats = el('div', 'sl-stats');
    this.legend = el('div', 'sl-legend');
    this.legend.setAttribute('role', 'group');
    this.legend.setAttribute('aria-label', 'Services (click to hide or show, Alt+click to show only one)');
    this.element.append(this.title, this.stats, this.legend);
    this.build();
  }

  private build(): void {
    const { store } = this.state;
    clear(this.title);
    const root = store.count > 0 ? 0 : -1;
    const rootText = root >= 0 ? `${store.serviceName(root)}: ${store.spanName(root)}` : 'Empty trace';
    this.title.append(el('span', 'sl-title-text', rootText), el('code', 'sl-trace-id', store.traceId));
    if (store.source) this.title.append(el('span', 'sl-source', store.source));

    clear(this.stats);
    const figures: Array<[string, string, string?]> = [
      ['Duration', formatDuration(store.durationUs)],
      ['Spans', store.count.toLocaleString('en-US')],
      ['Depth', String(store.count > 0 ? store.maxDepth + 1 : 0)],
      ['Services', String(store.serviceNames.length)],
      ['Errors', String(store.errorCount), store.errorCount > 0 ? 'is-bad' : undefined],
    ];
    const warnings = store.payload.traceWarnings.length;
    if (warnings > 0) figures.push(['Warnings', String(warnings), 'is-warn']);
    for (const [label, value, cls] of figures) {
      const f = el('span', `sl-stat${cls ? ` ${cls}` : ''}`);
      f.append(el('span', 'sl-stat-label', label), el('span', 'sl-stat-value', value));
      this.stats.append(f);
    }

    clear(this.legend);
    const counts = new Int32Array(store.serviceNames.length);
    for (let i = 0; i < store.count; i++) counts[store.service[i]!]!++;
    this.chips = store.serviceNames.map((name, s) => {
      const chip = button('', 'sl-chip', `${name}: ${counts[s]} spans — click to hide/show, Alt+click to show only this service`);
      const swatch = el('span', 'sl-swatch');
      chip.append(swatch, el('span', 'sl-chip-name', name), el('span', 'sl-count', String(counts[s])));
      chip.addEventListener('click', (e) => this.onServiceFilter(s, e.altKey));
      this.legend.append(chip);
      return chip;
    });
    this.update();
  }

  /** Reflect colours (theme) and the filter state. */
  update(): void {
    this.chips.forEach((chip, s) => {
      const swatch = chip.firstChild as HTMLElement;
      swatch.style.backgroundColor = this.state.serviceColors[s] ?? 'gray';
      const hidden = this.state.tree.hiddenServices[s] === 1;
      toggleClass(chip, 'is-hidden', hidden);
      chip.setAttribute('aria-pressed', String(!hidden));
    });
  }
}
