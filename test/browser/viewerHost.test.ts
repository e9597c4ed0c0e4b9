// The viewer's side of the host protocol, with a fake `acquireVsCodeApi` recording what the view posts: the panel
// page (renderPanelHtml, same CSP as in VS Code) fed by window.postMessage, and the exported page with a host.
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { parseTraceDocument } from '../../src/core/model/traceDocument';
import { buildAnalyzedPayload } from '../../src/core/export/payloadAnalysis';
import { SpanStore } from '../../src/shared/viewModel';
import type { TracePayload } from '../../src/shared/viewModelPayload';
import type { HostToViewMessage, ViewToHostMessage } from '../../src/shared/protocol';
import { readFixture } from '../support/fixtures';
import { buildTrace } from '../support/traceBuilder';
import { exportedPage, fakeHostScript, hostedPage, launchChromium, openPage, pageErrors, PageServer } from './support/browser';

const smartthings = parseTraceDocument(readFixture('zipkin/smartthings-mobile-web-install.zipkin2.json'), 'st')[0]!;
const MAPPED = 'post /oauth/check_token';
const st = buildAnalyzedPayload(smartthings, { source: 'Jaeger http://localhost:16686', hasSource: (s) => s.name === MAPPED });
const store = new SpanStore(st);
const mappedSpan = Array.from({ length: store.count }, (_, i) => i).find((i) => store.spanName(i) === MAPPED)!;
const unmappedSpan = 0;

async function posted(page: Page): Promise<ViewToHostMessage[]> {
  return page.evaluate(() => (window as unknown as { __posted: ViewToHostMessage[] }).__posted);
}

async function send(page: Page, message: HostToViewMessage | Record<string, unknown>): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

async function selectBySpanId(page: Page, spanId: string): Promise<void> {
  await page.fill('.sl-find-input', spanId);
  await page.waitForFunction(() => document.querySelector('.sl-find-count')?.textContent === '1 / 1');
}

describe('trace viewer ⇄ host protocol (fake VS Code API in Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  const server = new PageServer();
  let panelUrl: string;

  before(async () => {
    browser = await launchChromium();
    await server.start();
    panelUrl = server.add(await hostedPage(server));
  });
  after(async () => {
    await browser?.close();
    await server.stop();
  });

  async function panelWithTrace(payload: TracePayload = st): Promise<Page> {
    const page = await openPage(browser, panelUrl, { fakeHost: true });
    await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'));
    await send(page, { type: 'trace', payload });
    await page.waitForSelector('.sl-row .sl-op');
    return page;
  }

  it('says ready first under the panel CSP, then shows the trace the host posts', async () => {
    const page = await openPage(browser, panelUrl, { fakeHost: true });
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    assert.deepEqual((await posted(page))[0], { type: 'ready' });
    assert.match((await page.locator('.sl-message').textContent()) ?? '', /Loading trace/);
    await send(page, { type: 'loading', message: 'Fetching trace abc…' });
    await page.waitForFunction(() => document.querySelector('.sl-message')?.textContent === 'Fetching trace abc…');
    await send(page, { type: 'trace', payload: st });
    await page.waitForSelector('.sl-row .sl-op');
    assert.equal(await page.locator('.sl-row-count').textContent(), '957 rows');
    // Inside VS Code the view saves what the serializer needs to restore it.
    const state = await page.evaluate(() => (window as unknown as { __state: unknown }).__state);
    assert.deepEqual(state, { traceId: st.traceId, source: st.source, tab: 'waterfall' });
    assert.ok((await page.locator('.sl-export').count()) === 1, 'Export HTML is offered with a host');
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  });

  it('offers Go to source only for spans the host maps to code, and posts goToSource with the span id', async () => {
    const page = await panelWithTrace();
    await selectBySpanId(page, store.spanId(unmappedSpan));
    assert.equal(await page.locator('.sl-go-to-source').count(), 0);
    await selectBySpanId(page, store.spanId(mappedSpan));
    await page.locator('.sl-go-to-source').click();
    const messages = await posted(page);
    assert.deepEqual(messages[messages.length - 1], { type: 'goToSource', spanId: store.spanId(mappedSpan) });
    const state = await page.evaluate(() => (window as unknown as { __state: { selectedSpanId?: string } }).__state);
    assert.equal(state.selectedSpanId, store.spanId(mappedSpan));
    await page.context().close();
  });

  it('selects the span the host reveals, and drops invalid messages with a log message', async () => {
    const page = await panelWithTrace();
    await send(page, { type: 'revealSpan', spanId: store.spanId(600) });
    await page.waitForFunction((name) => document.querySelector('.sl-details-title .sl-op')?.textContent === name, store.spanName(600));
    const before = (await posted(page)).length;
    await send(page, { type: 'trace', payload: { ...st, spanCount: 3 } });
    await send(page, { type: 'nonsense' });
    await page.waitForFunction((n) => (window as unknown as { __posted: unknown[] }).__posted.length >= n + 2, before);
    const logs = (await posted(page)).slice(before);
    assert.ok(logs.every((m) => m.type === 'log' && m.level === 'warn'), JSON.stringify(logs));
    assert.equal(await page.locator('.sl-row-count').textContent(), '957 rows', 'the shown trace stays');
    await send(page, { type: 'error', message: 'Jaeger at http://localhost:16686 is not reachable' });
    await page.waitForSelector('.sl-message.is-error');
    assert.equal(await page.locator('.sl-message').getAttribute('role'), 'alert');
    await page.context().close();
  });

  it('shows a trace first and its analysis when the host sends it later', async () => {
    const { analysis, ...withoutAnalysis } = st;
    const page = await panelWithTrace(withoutAnalysis as TracePayload);
    await page.getByRole('tab', { name: 'Critical path' }).click();
    assert.match((await page.locator('.sl-critical-view').textContent()) ?? '', /No analysis of this trace/);
    assert.equal(await page.locator('.sl-row.is-critical').count(), 0);
    // Analysis of another trace is refused and logged.
    const before = (await posted(page)).length;
    await send(page, { type: 'analysis', traceId: 'f'.repeat(32), analysis: analysis! });
    await page.waitForFunction((n) => (window as unknown as { __posted: unknown[] }).__posted.length > n, before);
    assert.equal((await posted(page))[before]!.type, 'log');
    await send(page, { type: 'analysis', traceId: st.traceId, analysis: analysis! });
    await page.waitForFunction((n) => document.querySelectorAll('.sl-critical-view tbody tr').length === n, analysis!.criticalPath.length);
    await page.getByRole('tab', { name: 'Waterfall' }).click();
    await page.waitForSelector('.sl-row.is-critical');
    await page.context().close();
  });

  it('opens linked traces through the host and jumps to links inside the trace', async () => {
    const other = '4bf92f3577b34da6a3ce929d0e0e4736';
    const linked = buildAnalyzedPayload(
      buildTrace(
        [
          { id: '00000000000000a1', service: 'api', name: 'GET /', start: 0, duration: 100 },
          { id: '00000000000000a2', parent: '00000000000000a1', service: 'worker', name: 'consume', start: 10, duration: 20, links: [{ spanId: '00f067aa0ba902b7', traceId: other }, { spanId: '00000000000000a1' }] },
        ],
        '0af7651916cd43dd8448eb211c80319c',
      ),
      { source: 'test' },
    );
    const page = await panelWithTrace(linked);
    await selectBySpanId(page, '00000000000000a2');
    await page.locator('.sl-open-trace').click();
    const messages = await posted(page);
    assert.deepEqual(messages[messages.length - 1], { type: 'openTrace', traceId: other, spanId: '00f067aa0ba902b7' });
    await page.getByRole('button', { name: 'Go to span' }).click();
    assert.equal(await page.locator('.sl-details-title .sl-op').textContent(), 'GET /');
    await page.context().close();
  });

  it('asks the host for a trace to compare with and shows the comparison it sends', async () => {
    const page = await panelWithTrace();
    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.locator('.sl-request-compare').click();
    const messages = await posted(page);
    assert.deepEqual(messages[messages.length - 1], { type: 'requestCompare' });
    const b = buildAnalyzedPayload(parseTraceDocument(readFixture('zipkin/yelp.zipkin2.json'), 'yelp')[0]!, { source: 'yelp' });
    await send(page, { type: 'compare', payload: b });
    await page.waitForSelector('.sl-compare-view tbody tr');
    assert.match((await page.locator('.sl-compare-summary').textContent()) ?? '', new RegExp(b.traceId));
    const state = await page.evaluate(() => (window as unknown as { __state: { compareTraceId?: string; tab?: string } }).__state);
    assert.equal(state.compareTraceId, b.traceId);
    assert.equal(state.tab, 'compare');
    await page.context().close();
  });

  it('restores tab and selection from the state the host sends, or from its own saved state after a reload', async () => {
    const page = await openPage(browser, panelUrl, { fakeHost: true });
    await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'));
    await send(page, { type: 'trace', payload: st, state: { traceId: st.traceId, source: st.source, selectedSpanId: store.spanId(321), tab: 'selftime' } });
    await page.waitForSelector('.sl-selftime-view');
    assert.equal(await page.locator('.sl-details-title .sl-op').textContent(), store.spanName(321));
    await page.context().close();

    // A reloaded view: VS Code hands back what setState saved; the host's trace message carries no state.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const reloaded = await context.newPage();
    await reloaded.addInitScript({ content: fakeHostScript({ traceId: st.traceId, source: 'x', selectedSpanId: store.spanId(42), tab: 'critical' }) });
    await reloaded.goto(panelUrl);
    await reloaded.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await send(reloaded, { type: 'trace', payload: st });
    await reloaded.waitForSelector('.sl-critical-view');
    assert.equal(await reloaded.locator('.sl-details-title .sl-op').textContent(), store.spanName(42));
    await context.close();
  });

  it('in an exported page given a host, Go to source posts the span id too', async () => {
    const page = await openPage(browser, server.add(await exportedPage(st)), { fakeHost: true });
    await page.waitForSelector('.sl-row .sl-op');
    await selectBySpanId(page, store.spanId(mappedSpan));
    await page.locator('.sl-go-to-source').click();
    const messages = await posted(page);
    assert.deepEqual(messages[0], { type: 'ready' });
    assert.deepEqual(messages[messages.length - 1], { type: 'goToSource', spanId: store.spanId(mappedSpan) });
    await page.context().close();
  });

  it('without a host the exported page shows no Go to source button even for mapped spans', async () => {
    const page = await openPage(browser, server.add(await exportedPage(st)));
    await page.waitForSelector('.sl-row .sl-op');
    await selectBySpanId(page, store.spanId(mappedSpan));
    assert.equal(await page.locator('.sl-details-title .sl-op').textContent(), MAPPED);
    assert.equal(await page.locator('.sl-go-to-source').count(), 0);
    await page.context().close();
  });
});
