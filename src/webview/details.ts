// The span details pane: facts, warnings, typed attributes, events (times relative to the span), links and
// resource attributes. Built with createElement/textContent only.
import { formatDuration } from '../shared/viewModelLayout';
import { ATTRIBUTE_TYPES, LINK_KIND_NAMES, SPAN_KIND_NAMES, STATUS_NAMES, SpanFlag } from '../shared/viewModelPayload';
import type { SpanStore } from '../shared/viewModel';
import { button, clear, el } from './dom';
import type { HostBridge } from './host';
import type { ViewerActions, ViewerState } from './viewerState';

export class DetailsPane {
  readonly element: HTMLElement;
  private readonly body: HTMLDivElement;
  private shown = -2;

  constructor(
    private readonly state: ViewerState,
    private readonly actions: ViewerActions,
    private readonly host: HostBridge,
  ) {
    this.element = el('aside', 'sl-details');
    this.element.setAttribute('aria-label', 'Span details');
    this.body = el('div', 'sl-details-body');
    this.element.append(this.body);
  }

  /** Shows the selected span (no-op when it is already shown). */
  update(force = false): void {
    const span = this.state.selected;
    if (span === this.shown && !force) return;
    this.shown = span;
    clear(this.body);
    if (span < 0) {
      this.body.append(el('p', 'sl-muted', 'Select a span to see its attributes, events and links. Keys: ↑↓ move, ←→ collapse/expand, / find, n/N next/previous match.'));
      return;
    }
    this.render(span);
  }

  private render(i: number): void {
    const { store } = this.state;
    const p = store.payload;
    const sp = p.spans;
    const s = store.strings;

    const title = el('h2', 'sl-details-title');
    const swatch = el('span', 'sl-swatch');
    swatch.style.backgroundColor = this.state.serviceColors[store.service[i]!] ?? 'gray';
    title.append(swatch, el('span', 'sl-svc', store.serviceName(i)), el('span', 'sl-op', store.spanName(i)));
    if (store.has(i, SpanFlag.error)) title.append(el('span', 'sl-badge sl-badge-error', 'error'));
    this.body.append(title);

    const actions = el('div', 'sl-details-actions');
    if (this.host.connected && store.has(i, SpanFlag.hasSource)) {
      const go = button('Go to source', 'sl-button sl-go-to-source', 'Open the code that produced this span');
      go.addEventListener('click', () => this.host.post({ type: 'goToSource', spanId: store.spanId(i) }));
      actions.append(go);
    }
    const parent = store.parent[i]!;
    if (parent >= 0) {
      const up = button('Parent', 'sl-button sl-secondary', 'Select the parent span');
      up.addEventListener('click', () => this.actions.select(parent, true));
      actions.append(up);
    }
    const zoom = button('Zoom to span', 'sl-button sl-secondary', 'Zoom the time axis to this span');
    zoom.addEventListener('click', () => this.actions.zoom({ from: store.start[i]!, to: store.start[i]! + Math.max(store.duration[i]!, 1) }));
    actions.append(zoom);
    this.body.append(actions);

    const facts: Array<[string, string]> = [
      ['Span ID', store.spanId(i)],
      ['Parent ID', parent >= 0 ? store.spanId(parent) : '—'],
      ['Start', `+${formatDuration(store.start[i]!)} from trace start`],
      ['Duration', formatDuration(store.duration[i]!)],
    ];
    if (store.selfUs) facts.push(['Self time', formatDuration(store.selfUs[i]!)]);
    const kind = sp.kind[i]!;
    facts.push(['Kind', kind >= 0 ? (SPAN_KIND_NAMES[kind] ?? String(kind)) : 'unspecified']);
    const statusMessage = sp.statusMessage[i]!;
    facts.push(['Status', `${STATUS_NAMES[sp.status[i]!] ?? ''}${statusMessage >= 0 ? ` — ${s[statusMessage] ?? ''}` : ''}`]);
    if (sp.scope[i]! >= 0) facts.push(['Scope', s[sp.scope[i]!] ?? '']);
    if (this.state.critical[i] === 1) facts.push(['Critical path', 'yes']);
    this.body.append(factList(facts));

    const warnings: string[] = [];
    if (store.has(i, SpanFlag.orphan)) warnings.push('Orphan: its parent span is not in this trace (lost, not sampled, or not yet flushed).');
    if (store.has(i, SpanFlag.clockSkew)) warnings.push('Clock skew: its times do not fit inside its parent; the hosts\u2019 clocks disagree.');
    for (let w = sp.warningStart[i]!; w < sp.warningStart[i + 1]!; w++) warnings.push(s[p.warnings[w]!] ?? '');
    if (warnings.length > 0) {
      const section = this.section('Warnings', warnings.length);
      const list = el('ul', 'sl-warnings');
      for (const w of warnings) list.append(el('li', undefined, w));
      section.append(list);
    }

    const attrCount = sp.attrStart[i + 1]! - sp.attrStart[i]!;
    const attrs = this.section('Attributes', attrCount);
    attrs.append(attributeTable(store, sp.attrStart[i]!, sp.attrStart[i + 1]!));

    const evFrom = sp.eventStart[i]!;
    const evTo = sp.eventStart[i + 1]!;
    if (evTo > evFrom) {
      const events = this.section('Events', evTo - evFrom);
      const list = el('ol', 'sl-events');
      for (let e = evFrom; e < evTo; e++) {
        const item = el('li', 'sl-event');
        const head = el('div', 'sl-event-head');
        const rel = p.events.time[e]! - store.start[i]!;
        head.append(el('span', 'sl-event-time', `${rel < 0 ? '' : '+'}${formatDuration(rel)}`), el('span', 'sl-event-name', s[p.events.name[e]!] ?? ''));
        item.append(head);
        const a0 = p.events.attrStart[e]!;
        const a1 = p.events.attrStart[e + 1]!;
        if (a1 > a0) item.append(attributeTable(store, a0, a1));
        list.append(item);
      }
      events.append(list);
    }

    const lkFrom = sp.linkStart[i]!;
    const lkTo = sp.linkStart[i + 1]!;
    if (lkTo > lkFrom) {
      const links = this.section('Links', lkTo - lkFrom);
      const list = el('ul', 'sl-links');
      for (let k = lkFrom; k < lkTo; k++) {
        const traceId = s[p.links.traceId[k]!] ?? '';
        const spanId = s[p.links.spanId[k]!] ?? '';
        const item = el('li', 'sl-link');
        item.append(el('span', 'sl-badge', LINK_KIND_NAMES[p.links.kind[k]!] ?? 'link'), el('code', 'sl-link-target', `${traceId} / ${spanId}`));
        const local = traceId === store.traceId ? store.indexOf(spanId) : -1;
        if (local >= 0) {
          const go = button('Go to span', 'sl-button sl-secondary');
          go.addEventListener('click', () => this.actions.reveal(local));
          item.append(go);
        } else if (this.host.connected && traceId !== store.traceId) {
          const open = button('Open trace', 'sl-button sl-secondary sl-open-trace');
          open.addEventListener('click', () => this.host.post({ type: 'openTrace', traceId, spanId }));
          item.append(open);
        }
        const a0 = p.links.attrStart[k]!;
        const a1 = p.links.attrStart[k + 1]!;
        if (a1 > a0) item.append(attributeTable(store, a0, a1));
        list.append(item);
      }
      links.append(list);
    }

    const resource = sp.resource[i]!;
    if (resource >= 0) {
      const r0 = p.resourceAttrStart[resource]!;
      const r1 = p.resourceAttrStart[resource + 1]!;
      const section = this.section('Resource', r1 - r0);
      section.append(attributeTable(store, r0, r1, [['service.name', store.serviceName(i)]]));
    }
  }

  private section(title: string, count: number): HTMLElement {
    const section = el('section', 'sl-section');
    const h = el('h3', undefined, title);
    h.append(el('span', 'sl-count', String(count)));
    section.append(h);
    this.body.append(section);
    return section;
  }
}

function factList(facts: ReadonlyArray<[string, string]>): HTMLElement {
  const dl = el('dl', 'sl-facts');
  for (const [k, v] of facts) dl.append(el('dt', undefined, k), el('dd', undefined, v));
  return dl;
}

function attributeTable(store: SpanStore, from: number, to: number, extra: ReadonlyArray<[string, string]> = []): HTMLElement {
  if (to <= from && extra.length === 0) return el('p', 'sl-muted', 'none');
  const a = store.payload.attrs;
  const table = el('table', 'sl-attrs');
  const body = el('tbody');
  for (const [k, v] of extra) body.append(attributeRow(k, v, 'string'));
  for (let x = from; x < to; x++) {
    body.append(attributeRow(store.strings[a.key[x]!] ?? '', store.strings[a.value[x]!] ?? '', ATTRIBUTE_TYPES[a.type[x]!] ?? 'string'));
  }
  table.append(body);
  return table;
}

function attributeRow(key: string, value: string, type: string): HTMLTableRowElement {
  const tr = el('tr');
  const valueCell = el('td', `sl-attr-value t-${type}`);
  if (type === 'array' || type === 'kvlist') valueCell.append(el('pre', undefined, prettyJson(value)));
  else valueCell.textContent = value;
  tr.append(el('td', 'sl-attr-key', key), valueCell, el('td', 'sl-attr-type', type));
  return tr;
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
