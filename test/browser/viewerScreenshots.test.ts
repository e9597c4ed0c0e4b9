// Screenshots of the viewer in light and dark (saved under test-results/ for people to look at), with the checks
// that can be automated: the theme applies, and text keeps a readable contrast against its background.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { parseTraceDocument } from '../../src/core/model/traceDocument';
import { buildAnalyzedPayload } from '../../src/core/export/payloadAnalysis';
import { SpanStore } from '../../src/shared/viewModel';
import { readFixture } from '../support/fixtures';
import { contrastRatio } from '../support/contrast';
import { exportedPage, launchChromium, openPage, PageServer, screenshotPath } from './support/browser';

/** WCAG contrast ratio between the computed colour of `selector`'s text and the first opaque background behind it. */
async function contrast(page: Page, selector: string): Promise<number> {
  // No named helpers inside evaluate (the test transpiler would wrap them in a helper the page lacks).
  const [fgText, bgText] = await page.evaluate((sel) => {
    const el = document.querySelector(sel) as HTMLElement;
    let bgEl: HTMLElement | null = el;
    while (bgEl) {
      const c = getComputedStyle(bgEl).backgroundColor;
      const alpha = /rgba\([^)]*,\s*([\d.]+)\)/.exec(c);
      if (c !== 'transparent' && (!alpha || Number(alpha[1]) > 0.5)) return [getComputedStyle(el).color, c];
      bgEl = bgEl.parentElement;
    }
    return [getComputedStyle(el).color, 'rgb(0, 0, 0)'];
  }, selector);
  return contrastRatio(fgText, bgText);
}

describe('trace viewer screenshots (light and dark)', function () {
  this.timeout(120_000);
  let browser: Browser;
  const server = new PageServer();
  const payload = buildAnalyzedPayload(parseTraceDocument(readFixture('zipkin/smartthings-mobile-web-install.zipkin2.json'), 'st')[0]!, { source: 'smartthings-mobile-web-install.zipkin2.json' });
  const store = new SpanStore(payload);
  let url: string;

  before(async () => {
    browser = await launchChromium();
    await server.start();
    url = server.add(await exportedPage(payload));
  });
  after(async () => {
    await browser?.close();
    await server.stop();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: waterfall with a selected span, flamegraph and self time`, async () => {
      const page = await openPage(browser, url, { colorScheme: scheme, viewport: { width: 1400, height: 860 } });
      await page.waitForSelector('.sl-row[data-row="0"]');
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background, scheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(31, 31, 31)');
      for (const sel of ['.sl-row[data-row="0"] .sl-op', '.sl-row[data-row="0"] .sl-dur', '.sl-stat-value', '.sl-tick-label', '.sl-chip-name']) {
        const ratio = await contrast(page, sel);
        assert.ok(ratio >= 4.5, `${scheme} ${sel}: contrast ${ratio.toFixed(2)}`);
      }
      // Select a span with attributes and events, with a find highlight on screen.
      const withEvents = Array.from({ length: store.count }, (_, i) => i).find((i) => payload.spans.eventStart[i + 1]! - payload.spans.eventStart[i]! > 1 && i > 5) ?? 5;
      await page.fill('.sl-find-input', 'client-select');
      await page.waitForFunction(() => /\d+ \/ \d+/.test(document.querySelector('.sl-find-count')?.textContent ?? ''));
      await page.fill('.sl-find-input', store.spanId(withEvents));
      await page.waitForFunction(() => document.querySelector('.sl-find-count')?.textContent === '1 / 1');
      await page.locator('.sl-scroll').focus();
      await page.waitForTimeout(150);
      await page.waitForSelector('.sl-row.is-selected');
      for (const sel of ['.sl-facts dd', '.sl-attr-key', '.sl-row.is-selected .sl-op']) {
        const ratio = await contrast(page, sel);
        assert.ok(ratio >= 4.5, `${scheme} ${sel}: contrast ${ratio.toFixed(2)}`);
      }
      const file = screenshotPath(`viewer-${scheme}.png`);
      await page.screenshot({ path: file });
      assert.ok(fs.statSync(file).size > 20_000);

      await page.getByRole('tab', { name: 'Flamegraph' }).click();
      await page.waitForTimeout(200);
      await page.screenshot({ path: screenshotPath(`viewer-flamegraph-${scheme}.png`) });
      await page.getByRole('tab', { name: 'Self time' }).click();
      await page.screenshot({ path: screenshotPath(`viewer-selftime-${scheme}.png`) });
      await page.getByRole('tab', { name: 'Critical path' }).click();
      await page.screenshot({ path: screenshotPath(`viewer-critical-${scheme}.png`) });
      await page.context().close();
    });
  }
});
