// The trace viewer in headless Chromium, against the exported HTML page.
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { parseTraceDocument } from '../../src/core/model/traceDocument';
import { buildAnalyzedPayload } from '../../src/core/export/payloadAnalysis';
import { SpanStore } from '../../src/shared/viewModel';
import { findSpans } from '../../src/shared/viewModelFind';
import { selfTimeTable } from '../../src/shared/viewModelTables';
import type { TracePayload } from '../../src/shared/viewModelPayload';
import type { SpanEvent } from '../../src/core/model/trace';
import { readFixture } from '../support/fixtures';
import { buildTrace } from '../support/traceBuilder';
import { exportedPage, launchChromium, openPage, pageErrors, PageServer } from './support/browser';

const fixturePayload = (rel: string, index = 0): TracePayload => buildAnalyzedPayload(parseTraceDocument(readFixture(rel), rel)[index]!, { source: rel.split('/').pop()! });

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? '';
}

/** Visible rows' operation names, top to bottom. */
async function visibleRowNames(page: Page): Promise<string[]> {
  // No named helpers inside evaluate: the test transpiler would wrap them in a helper the page does not have.
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.sl-row[data-row]')]
      .sort((a, b) => Number(a.dataset['row']) - Number(b.dataset['row']))
      .map((r) => r.querySelector('.sl-op')?.textContent ?? ''),
  );
}

/** The row-count label as the viewer writes it. */
const rowsLabel = (n: number): string => `${n.toLocaleString('en-US')} ${n === 1 ? 'row' : 'rows'}`;

async function rowCount(page: Page): Promise<number> {
  return Number((await text(page, '.sl-row-count')).replace(/[^\d]/g, ''));
}

async function selectedName(page: Page): Promise<string> {
  return text(page, '.sl-details-title .sl-op');
}

describe('trace viewer (exported page in Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  const server = new PageServer();
  const st = fixturePayload('zipkin/smartthings-mobile-web-install.zipkin2.json');
  const stStore = new SpanStore(st);
  let stUrl: string;

  before(async () => {
    browser = await launchChromium();
    await server.start();
    stUrl = server.add(await exportedPage(st));
  });
  after(async () => {
    await browser?.close();
    await server.stop();
  });

  it('renders the 957-span fixture: header figures, one row per span, only the visible rows in the DOM', async () => {
    const page = await openPage(browser, stUrl);
    await page.waitForSelector('.sl-row .sl-op');
    assert.equal(await rowCount(page), 957);
    const spans = await page.locator('.sl-stat', { hasText: 'Spans' }).locator('.sl-stat-value').textContent();
    assert.equal(spans, '957');
    assert.equal(await page.locator('.sl-stat', { hasText: 'Services' }).locator('.sl-stat-value').textContent(), String(stStore.serviceNames.length));
    assert.equal(await page.locator('.sl-chip').count(), stStore.serviceNames.length);
    const names = await visibleRowNames(page);
    assert.ok(names.length > 20 && names.length < 80, `${names.length} rows in the DOM`);
    assert.deepEqual(names, Array.from({ length: names.length }, (_, i) => stStore.spanName(i)));
    // Scroll to the end: the last rows are the last spans.
    await page.locator('.sl-scroll').evaluate((e) => (e.scrollTop = e.scrollHeight));
    await page.waitForSelector('.sl-row[data-row="956"]');
    const after = await visibleRowNames(page);
    assert.equal(after[after.length - 1], stStore.spanName(956));
    assert.ok((await page.locator('.sl-row').count()) < 100, 'row elements are recycled, not added');
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  it('collapses and expands with the toggle, the keyboard, collapse-to-depth and expand-all', async () => {
    const page = await openPage(browser, stUrl);
    await page.waitForSelector('.sl-row .sl-op');
    const roots = Array.from(stStore.parent).filter((p) => p < 0).length;
    await page.locator('.sl-row[data-row="0"] .sl-toggle').click();
    await page.waitForFunction((label) => document.querySelector('.sl-row-count')?.textContent === label, rowsLabel(957 - (stStore.subtreeEnd[0]! - 1)));
    assert.equal(await rowCount(page), 957 - (stStore.subtreeEnd[0]! - 1));
    // Keyboard: select the first row, → expands it again.
    await page.locator('.sl-row[data-row="0"] .sl-op').click();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector('.sl-row-count')?.textContent === '957 rows');
    // ↓ ↓ ↓ moves the selection; ← on a leaf goes to its parent.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await selectedName(page), stStore.spanName(3));
    const leaf = 3;
    assert.equal(stStore.childCount[leaf], 0, 'row 3 of this fixture is a leaf');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await selectedName(page), stStore.spanName(stStore.parent[leaf]!));
    // ← on an expanded parent collapses it, Enter toggles it back.
    const parent = stStore.parent[leaf]!;
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((label) => document.querySelector('.sl-row-count')?.textContent === label, rowsLabel(957 - (stStore.subtreeEnd[parent]! - parent - 1)));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.sl-row-count')?.textContent === '957 rows');
    // Collapse to depth 2, then expand all.
    await page.selectOption('.sl-depth', '2');
    const depth2 = Array.from(stStore.depth).filter((d) => d < 2).length;
    await page.waitForFunction((label) => document.querySelector('.sl-row-count')?.textContent === label, rowsLabel(depth2));
    assert.deepEqual(await visibleRowNames(page), Array.from({ length: stStore.count }, (_, i) => i).filter((i) => stStore.depth[i]! < 2).slice(0, (await visibleRowNames(page)).length).map((i) => stStore.spanName(i)));
    await page.getByRole('button', { name: 'Expand all' }).click();
    await page.waitForFunction(() => document.querySelector('.sl-row-count')?.textContent === '957 rows');
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  it('finds spans: match count, next/previous with Enter and n/N, and reveals matches inside collapsed spans', async () => {
    const page = await openPage(browser, stUrl);
    await page.waitForSelector('.sl-row .sl-op');
    await page.selectOption('.sl-depth', '1');
    await page.waitForFunction((label) => document.querySelector('.sl-row-count')?.textContent === label, rowsLabel(1));
    const query = 'client-select-by-id';
    const matches = Array.from(findSpans(stStore, query).matches);
    assert.ok(matches.length >= 3);
    await page.locator('.sl-scroll').focus();
    await page.keyboard.press('/');
    await page.keyboard.type(query);
    await page.waitForFunction((n) => document.querySelector('.sl-find-count')?.textContent === `1 / ${n}`, matches.length);
    assert.equal(await selectedName(page), stStore.spanName(matches[0]!));
    assert.ok(await rowCount(page) > 1, 'the match was revealed');
    assert.equal(await page.locator('.sl-row.is-current-match .sl-op').textContent(), stStore.spanName(matches[0]!));
    assert.ok((await page.locator('.sl-row.is-match').count()) >= 2, 'other matches highlighted');
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelector('.sl-find-count')?.textContent === `2 / ${n}`, matches.length);
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction((n) => document.querySelector('.sl-find-count')?.textContent === `1 / ${n}`, matches.length);
    await page.keyboard.press('Escape');
    await page.keyboard.press('n');
    await page.waitForFunction((n) => document.querySelector('.sl-find-count')?.textContent === `2 / ${n}`, matches.length);
    await page.keyboard.press('N');
    await page.keyboard.press('N');
    await page.waitForFunction((n) => document.querySelector('.sl-find-count')?.textContent === `${n} / ${n}`, matches.length);
    assert.equal(await page.locator('.sl-row.is-selected .sl-op').textContent(), stStore.spanName(matches[matches.length - 1]!));
    // Span id and attribute value searches.
    await page.fill('.sl-find-input', stStore.spanId(500));
    await page.waitForFunction(() => document.querySelector('.sl-find-count')?.textContent === '1 / 1');
    assert.equal(await selectedName(page), stStore.spanName(500));
    await page.fill('.sl-find-input', 'zzz-nothing-like-this');
    await page.waitForFunction(() => document.querySelector('.sl-find-count')?.textContent === 'No matches');
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  it('zooms into a time range dragged on the ruler and resets with Escape', async () => {
    const page = await openPage(browser, stUrl);
    await page.waitForSelector('.sl-row .sl-op');
    const before = await page.locator('.sl-tick-label').allTextContents();
    const box = (await page.locator('.sl-ruler').boundingBox())!;
    await page.mouse.move(box.x + 5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.05, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => !(document.querySelector('.sl-reset-zoom') as HTMLButtonElement).disabled);
    await page.waitForFunction((labels) => JSON.stringify([...document.querySelectorAll('.sl-tick-label')].map((e) => e.textContent)) !== labels, JSON.stringify(before));
    await page.locator('.sl-scroll').focus();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => (document.querySelector('.sl-reset-zoom') as HTMLButtonElement).disabled);
    // The ruler redraws on the next animation frame.
    await page.waitForFunction((labels) => JSON.stringify([...document.querySelectorAll('.sl-tick-label')].map((e) => e.textContent)) === labels, JSON.stringify(before));
    // "Zoom to span" on the root (36 ms of a 5 minute trace): its bar then fills the timeline.
    const barWidth = (): Promise<number> => page.locator('.sl-row[data-row="0"] .sl-bar').evaluate((b) => b.getBoundingClientRect().width);
    assert.ok((await barWidth()) < 5);
    await page.locator('.sl-row[data-row="0"] .sl-op').click();
    await page.getByRole('button', { name: 'Zoom to span' }).click();
    await page.waitForFunction((w) => (document.querySelector('.sl-row[data-row="0"] .sl-bar')?.getBoundingClientRect().width ?? 0) > w, box.width - 3);
    await page.context().close();
  });

  it('navigates with the minimap: a click scrolls there, a drag zooms to the dragged time range', async () => {
    const page = await openPage(browser, stUrl);
    await page.waitForSelector('.sl-row[data-row="0"]');
    const painted = await page.locator('.sl-minimap-canvas').evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
    assert.ok(painted > 50, `${painted} minimap pixels`);
    const box = (await page.locator('.sl-minimap').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height - 2);
    // 54 of 56 px down the minimap: the rows around 96% of the list.
    await page.waitForFunction(() => document.querySelector('.sl-row[data-row="930"]') !== null);
    assert.equal(await page.locator('.sl-row[data-row="0"]').count(), 0, 'scrolled away from the top');
    await page.mouse.move(box.x + box.width * 0.9, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.99, box.y + 10, { steps: 6 });
    await page.mouse.up();
    await page.waitForFunction(() => !(document.querySelector('.sl-reset-zoom') as HTMLButtonElement).disabled);
    // The frame is drawn on the next animation frame after the zoom: wait for it rather than race it.
    await page.locator('.sl-minimap-window').waitFor({ state: 'visible', timeout: 10_000 });
    assert.ok(await page.locator('.sl-minimap-window').isVisible(), 'the zoomed window is framed on the minimap');
    await page.context().close();
  });

  it('draws the flamegraph, lists the critical path, sorts self time and lists findings', async () => {
    const page = await openPage(browser, stUrl);
    await page.waitForSelector('.sl-row .sl-op');
    await page.getByRole('tab', { name: 'Flamegraph' }).click();
    await page.waitForTimeout(200);
    const painted = await page.locator('.sl-flame-canvas').evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
    assert.ok(painted > 1000, `${painted} painted pixels`);
    // A click on the root's rectangle selects the root.
    const canvasBox = (await page.locator('.sl-flame-canvas').boundingBox())!;
    await page.mouse.click(canvasBox.x + 3, canvasBox.y + 10);
    assert.equal(await selectedName(page), stStore.spanName(0));

    await page.getByRole('tab', { name: 'Critical path' }).click();
    const pathRows = page.locator('.sl-critical-view tbody tr');
    assert.equal(await pathRows.count(), stStore.criticalPath.length);
    assert.equal(await pathRows.nth(1).locator('td').nth(2).textContent(), stStore.spanName(stStore.criticalPath[1]!));
    await pathRows.nth(1).click();
    assert.equal(await page.getByRole('tab', { name: 'Waterfall' }).getAttribute('aria-selected'), 'true');
    assert.equal(await selectedName(page), stStore.spanName(stStore.criticalPath[1]!));
    assert.ok((await page.locator('.sl-row.is-critical').count()) > 0);

    await page.getByRole('tab', { name: 'Self time' }).click();
    const byService = page.locator('.sl-selftime-view table').first();
    const expected = selfTimeTable(stStore, 'service');
    assert.deepEqual(await byService.locator('tbody tr td:first-child').allTextContents(), expected.map((r) => r.service));
    await byService.getByRole('button', { name: 'Spans' }).click();
    const counts = (await byService.locator('tbody tr td:nth-child(2)').allTextContents()).map(Number);
    assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
    assert.equal(await byService.locator('th[aria-sort]').getAttribute('aria-sort'), 'descending');
    await byService.getByRole('button', { name: 'Service' }).click();
    const services = await byService.locator('tbody tr td:first-child').allTextContents();
    assert.deepEqual(services, [...services].sort((a, b) => a.localeCompare(b)));

    await page.getByRole('tab', { name: 'Findings' }).click();
    const findings = st.analysis!.findings.length + st.traceWarnings.length;
    assert.equal(await page.locator('.sl-finding').count(), findings);
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  it('shows typed attributes, events relative to the span, links and resource in the details pane', async () => {
    const ui = fixturePayload('jaeger/ui_01.v1trace.json');
    const store = new SpanStore(ui);
    const page = await openPage(browser, server.add(await exportedPage(ui)));
    await page.waitForSelector('.sl-row .sl-op');
    const withAttrs = Array.from({ length: store.count }, (_, i) => i).find((i) => ui.spans.attrStart[i + 1]! - ui.spans.attrStart[i]! >= 5)!;
    await page.locator('.sl-row[data-row="0"]').click();
    for (let k = 0; k < withAttrs; k++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('.sl-facts dd').first().textContent(), store.spanId(withAttrs));
    const types = await page.locator('.sl-section', { hasText: 'Attributes' }).locator('.sl-attr-type').allTextContents();
    assert.deepEqual(types, ['string', 'int64', 'float64', 'int64', 'binary']);
    assert.equal(await page.locator('.sl-attr-value.t-float64').count(), 1);

    const withEvents = Array.from({ length: store.count }, (_, i) => i).find((i) => ui.spans.eventStart[i + 1]! > ui.spans.eventStart[i]!)!;
    await page.keyboard.press('Home');
    for (let k = 0; k < withEvents; k++) await page.keyboard.press('ArrowDown');
    const times = await page.locator('.sl-event-time').allTextContents();
    assert.equal(times.length, ui.spans.eventStart[withEvents + 1]! - ui.spans.eventStart[withEvents]!);
    assert.ok(times.every((t) => /^\+|^-|^0$/.test(t)), times.join(','));

    const withLinks = Array.from({ length: store.count }, (_, i) => i).find((i) => ui.spans.linkStart[i + 1]! > ui.spans.linkStart[i]!)!;
    await page.keyboard.press('Home');
    for (let k = 0; k < withLinks; k++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('.sl-link').count(), ui.spans.linkStart[withLinks + 1]! - ui.spans.linkStart[withLinks]!);
    // No host in the exported page: no "Open trace" and no "Go to source".
    assert.equal(await page.locator('.sl-open-trace').count(), 0);
    assert.equal(await page.locator('.sl-go-to-source').count(), 0);
    const goToSpan = page.getByRole('button', { name: 'Go to span' });
    if ((await goToSpan.count()) > 0) {
      await goToSpan.first().click();
      assert.notEqual(await page.locator('.sl-facts dd').first().textContent(), store.spanId(withLinks));
    }
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  it('marks events on the bars: one tick per event time, exceptions in the error colour, at most 64 per bar', async () => {
    const t0 = 1_700_000_000_000_000;
    const bare = buildTrace([
      { id: 'root', name: 'root', start: t0, duration: 10_000 },
      { id: 'logs', parent: 'root', name: 'with-logs', start: t0 + 1_000, duration: 8_000 },
      { id: 'quiet', parent: 'root', name: 'without-events', start: t0 + 2_000, duration: 3_000 },
      { id: 'chatty', parent: 'root', name: 'chatty', start: t0 + 1_000, duration: 8_000 },
    ]);
    const events: Record<string, SpanEvent[]> = {
      'with-logs': [
        { timeUs: t0 + 2_000, name: 'cache miss', attributes: [] },
        { timeUs: t0 + 5_000, name: 'retry', attributes: [] },
        { timeUs: t0 + 8_500, name: 'exception', attributes: [{ key: 'exception.message', value: '<img src=x onerror=alert(1)>', type: 'string' }] },
      ],
      // 1,000 events 8 µs apart: many share a pixel, and the cap holds.
      chatty: Array.from({ length: 1_000 }, (_, i) => ({ timeUs: t0 + 1_000 + i * 8, name: `tick ${i}`, attributes: [] })),
    };
    const trace = { ...bare, spans: bare.spans.map((sp) => ({ ...sp, events: events[sp.name] ?? [] })) };
    const payload = buildAnalyzedPayload(trace, { source: 'hand-built' });
    const page = await openPage(browser, server.add(await exportedPage(payload)));
    await page.waitForSelector('.sl-row .sl-op');
    const row = (name: string) => page.locator('.sl-row', { has: page.locator('.sl-op', { hasText: new RegExp(`^${name}$`) }) });
    const marks = (name: string) => row(name).locator('.sl-event-mark').filter({ visible: true });
    assert.equal(await marks('with-logs').count(), 3);
    assert.deepEqual(await marks('with-logs').evaluateAll((m) => m.map((e) => (e as HTMLElement).title)), ['cache miss', 'retry', 'exception']);
    assert.equal(await row('with-logs').locator('.sl-event-mark.is-exception').count(), 1);
    assert.equal(await marks('without-events').count(), 0);
    const chatty = await marks('chatty').count();
    assert.ok(chatty > 10 && chatty <= 64, `${chatty} marks for 1,000 events`);
    // Ticks sit at the events' times: the "retry" tick is in the middle of the 10 ms timeline.
    const [area, retry] = await Promise.all([row('with-logs').locator('.sl-bar-area').boundingBox(), marks('with-logs').nth(1).boundingBox()]);
    const at = (retry!.x + retry!.width / 2 - area!.x) / area!.width;
    assert.ok(Math.abs(at - 0.5) < 0.02, `retry at ${at.toFixed(3)} of the timeline`);
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  it('filters by service from the legend', async () => {
    const page = await openPage(browser, stUrl);
    await page.waitForSelector('.sl-row .sl-op');
    const auth = stStore.serviceNames.indexOf('auth');
    const authSpans = Array.from(stStore.service).filter((s) => s === auth).length;
    await page.locator('.sl-chip', { hasText: 'auth' }).click();
    await page.waitForFunction((label) => document.querySelector('.sl-row-count')?.textContent === label, rowsLabel(957 - authSpans));
    assert.equal(await page.locator('.sl-chip', { hasText: 'auth' }).getAttribute('aria-pressed'), 'false');
    const services = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.sl-row[data-row]')].map((r) => r.querySelector('.sl-svc')?.textContent));
    assert.ok(!services.includes('auth'));
    await page.locator('.sl-chip', { hasText: 'auth' }).click({ modifiers: ['Alt'] });
    await page.waitForFunction((label) => document.querySelector('.sl-row-count')?.textContent === label, rowsLabel(authSpans));
    await page.context().close();
  });

  it('compares two embedded traces per operation', async () => {
    const a = fixturePayload('zipkin/messaging-kafka.zipkin2.json');
    const b = fixturePayload('zipkin/messaging2.zipkin2.json');
    const page = await openPage(browser, server.add(await exportedPage(a, b)));
    await page.waitForSelector('.sl-compare-view');
    assert.equal(await page.getByRole('tab', { name: 'Compare' }).getAttribute('aria-selected'), 'true');
    const rows = await page.locator('.sl-compare-view tbody tr').count();
    const ops = new Set<string>();
    for (const p of [a, b]) for (let i = 0; i < p.spanCount; i++) ops.add(JSON.stringify([p.strings[p.services[p.spans.service[i]!]!], p.strings[p.spans.name[i]!]]));
    assert.equal(rows, ops.size);
    assert.match(await text(page, '.sl-compare-summary'), new RegExp(a.traceId));
    await page.context().close();
  });
});
