// Hostile trace data: 600+ known XSS payloads in every untrusted field. The viewer must render them as text: no
// payload runs (the functions they call are hooked), no dialog opens, no element comes from the data, and no
// request leaves the page. Run twice: as exported (with its CSP) and with the CSP removed, so the renderer itself is
// what is tested, not only the policy.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildAnalyzedPayload } from '../../src/core/export/payloadAnalysis';
import { SpanStore } from '../../src/shared/viewModel';
import { exportedPage, launchChromium, PageServer } from './support/browser';
import { generateXssPayloads, hostileTrace, parseXssPayloadFile } from './support/xssPayloads';
import { repoRoot } from './support/viewerBundle';

const payloads = parseXssPayloadFile(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'xss-payloads.txt'), 'utf8'));

/** Hooks every function a payload calls; counts calls in window.__xssCalls. Plain script text (see fakeHostScript). */
const HOOKS = `
  window.__xssCalls = [];
  window.__xss = function () { window.__xssCalls.push('__xss'); };
  window.alert = function () { window.__xssCalls.push('alert'); };
  window.confirm = function () { window.__xssCalls.push('confirm'); return false; };
  window.prompt = function () { window.__xssCalls.push('prompt'); return null; };
  window.print = function () { window.__xssCalls.push('print'); };
  window.open = function () { window.__xssCalls.push('open'); return null; };
`;

describe('trace viewer with hostile data (XSS)', function () {
  this.timeout(300_000);
  let browser: Browser;
  const server = new PageServer();
  const trace = hostileTrace(payloads);
  const payload = buildAnalyzedPayload(trace, { source: payloads[3]! });
  const compare = buildAnalyzedPayload(hostileTrace(payloads.slice(100), '0000000000000000000000000000cafe'), { source: payloads[4]! });
  const store = new SpanStore(payload);

  before(async () => {
    browser = await launchChromium();
    await server.start();
  });
  after(async () => {
    await browser?.close();
    await server.stop();
  });

  it('the payload list has at least 500 distinct real payloads and matches its generator', () => {
    assert.ok(new Set(payloads).size >= 500, `${new Set(payloads).size} payloads`);
    assert.equal(new Set(payloads).size, payloads.length);
    assert.deepEqual(payloads, generateXssPayloads());
    assert.ok(payloads.some((p) => p.includes('<script>')) && payloads.some((p) => p.includes('onerror')) && payloads.some((p) => p.startsWith('javascript:')));
    // Every span name is a payload, so every payload is rendered somewhere.
    const names = new Set(trace.spans.map((s) => s.name));
    for (const p of payloads) assert.ok(names.has(p));
  });

  for (const variant of ['as exported (CSP on)', 'with the CSP removed'] as const) {
    it(`renders every payload as text and runs none of them — ${variant}`, async () => {
      let html = await exportedPage(payload, compare);
      if (variant === 'with the CSP removed') {
        html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
        assert.ok(!html.includes('Content-Security-Policy'));
      }
      const url = server.add(html);
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript({ content: HOOKS });
      // Every request is recorded (once each); anything but the page itself is refused.
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.route('**/*', async (route) => {
        if (route.request().url() === url) await route.continue();
        else await route.abort();
      });
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      await page.waitForSelector('.sl-row[data-row="0"]', { state: 'attached' });

      await exercise(page, store.count);

      // Every span's name and service came out as exactly the text given.
      const mismatches = await page.evaluate((expected: Array<[string, string]>) => {
        const out: string[] = [];
        const scroller = document.querySelector('.sl-scroll') as HTMLElement;
        scroller.focus();
        document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }));
        for (let i = 0; i < expected.length; i++) {
          const title = document.querySelector('.sl-details-title');
          const op = title?.querySelector('.sl-op')?.textContent;
          const svc = title?.querySelector('.sl-svc')?.textContent;
          if (op !== expected[i]![0] || svc !== expected[i]![1]) out.push(`${i}: ${String(op)} / ${String(svc)}`);
          document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
        }
        return out;
      }, Array.from({ length: store.count }, (_, i): [string, string] => [store.spanName(i), store.serviceName(i)]));
      assert.deepEqual(mismatches.slice(0, 5), []);

      const calls = await page.evaluate(() => (window as unknown as { __xssCalls: string[] }).__xssCalls);
      assert.deepEqual(calls, [], 'a payload ran');
      assert.deepEqual(dialogs, [], 'a dialog opened');
      assert.deepEqual(requests, [url], 'a request left the page');
      // Nothing the data could have created exists: only the viewer's own element types.
      const foreign = await page.evaluate(() => {
        const allowed = new Set(['HTML', 'HEAD', 'META', 'TITLE', 'STYLE', 'BODY', 'SCRIPT', 'DIV', 'SPAN', 'HEADER', 'H1', 'H2', 'H3', 'BUTTON', 'INPUT', 'SELECT', 'OPTION', 'CANVAS', 'ASIDE', 'SECTION', 'DL', 'DT', 'DD', 'TABLE', 'CAPTION', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'UL', 'OL', 'LI', 'P', 'CODE', 'PRE']);
        return [...document.querySelectorAll('*')].map((e) => e.tagName).filter((t) => !allowed.has(t));
      });
      assert.deepEqual([...new Set(foreign)], []);
      assert.equal(await page.locator('script').count(), 2, 'only the page’s own two scripts');
      assert.equal(await page.evaluate(() => document.querySelectorAll('[onerror],[onload],[onclick],[onmouseover],[onfocus],[src],[href],[srcdoc],[style*="url("]').length), 0);
      assert.deepEqual(errors, []);
      await context.close();
    });
  }
});

/** Drives every view that shows untrusted text: rows, details of every span, find, flamegraph tooltip, tables. */
async function exercise(page: Page, spanCount: number): Promise<void> {
  await page.getByRole('button', { name: 'Expand all' }).click();
  // Scroll through every row.
  await page.evaluate(async () => {
    const scroller = document.querySelector('.sl-scroll') as HTMLElement;
    for (let top = 0; top < scroller.scrollHeight; top += scroller.clientHeight) {
      scroller.scrollTop = top;
      await new Promise((r) => requestAnimationFrame(r));
    }
  });
  // Details of every span (attributes, events, links, resource, warnings), with keyboard selection.
  await page.locator('.sl-scroll').focus();
  await page.keyboard.press('Home');
  await page.evaluate((n) => {
    for (let i = 0; i < n; i++) document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
  }, spanCount);
  // Hover and click the buttons in a details pane.
  await page.keyboard.press('Home');
  for (const name of ['Parent', 'Zoom to span']) {
    const b = page.getByRole('button', { name });
    if ((await b.count()) > 0) await b.first().click();
  }
  await page.keyboard.press('ArrowDown');
  await page.locator('.sl-details').hover();
  // Find with payload text.
  await page.fill('.sl-find-input', '<script>');
  await page.keyboard.press('Enter');
  await page.fill('.sl-find-input', 'onerror=');
  await page.keyboard.press('Enter');
  // Every other view.
  await page.getByRole('tab', { name: 'Flamegraph' }).click();
  const box = await page.locator('.sl-flame-canvas').boundingBox();
  if (box) {
    for (let x = 5; x < box.width; x += box.width / 12) await page.mouse.move(box.x + x, box.y + 30);
    await page.mouse.click(box.x + box.width / 3, box.y + 30);
  }
  for (const tab of ['Critical path', 'Self time', 'Findings', 'Compare', 'Waterfall']) {
    await page.getByRole('tab', { name: tab }).click();
    await page.waitForTimeout(50);
  }
  await page.getByRole('tab', { name: 'Self time' }).click();
  for (const b of await page.locator('.sl-sort').all()) await b.click();
  await page.getByRole('tab', { name: 'Findings' }).click();
  const show = page.locator('.sl-findings .sl-button');
  if ((await show.count()) > 0) await show.first().click();
  // Legend: hover and filter.
  await page.locator('.sl-chip').first().hover();
  await page.locator('.sl-chip').first().click();
  await page.locator('.sl-chip').first().click();
  await page.waitForTimeout(200);
}
