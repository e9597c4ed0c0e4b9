// Headless Chromium (Debian's, driven by playwright-core) and a tiny HTTP server for the pages under test. Pages are
// served over http://127.0.0.1 so page.route sees every request the page makes.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { buildHtmlExport } from '../../../src/core/export/htmlExport';
import type { TracePayload } from '../../../src/shared/viewModelPayload';
import { repoRoot, viewerAssets } from './viewerBundle';
import { renderPanelHtml } from '../../../src/vscode/viewer/panelHtml';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env['SPANLENS_CHROMIUM'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export class PageServer {
  private readonly pages = new Map<string, { body: string; type: string }>();
  private server: http.Server | undefined;
  private base = '';
  private counter = 0;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const page = this.pages.get(req.url ?? '');
      if (page === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': `${page.type}; charset=utf-8`, 'cache-control': 'no-store' }).end(page.body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Serves `body` at a fresh path and returns its URL. */
  add(body: string, type = 'text/html', extension = 'html'): string {
    const p = `/page-${++this.counter}.${extension}`;
    this.pages.set(p, { body, type });
    return this.base + p;
  }

  get origin(): string {
    return this.base;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export async function exportedPage(trace: TracePayload, compare?: TracePayload): Promise<string> {
  return buildHtmlExport({ trace, ...(compare ? { compare } : {}), assets: await viewerAssets() });
}

/**
 * The page VS Code's panel gets (the same renderPanelHtml, the same CSP): no embedded data, the trace arrives by
 * message after `ready`. Script and stylesheet are served by `server`, which stands in for the webview resource origin.
 */
export async function hostedPage(server: PageServer): Promise<string> {
  const { script, css } = await viewerAssets();
  const html = renderPanelHtml({
    scriptUri: server.add(script, 'text/javascript', 'js'),
    styleUri: server.add(css, 'text/css', 'css'),
    cspSource: server.origin,
    nonce: 'test-nonce-123',
    title: 'Trace',
  });
  // VS Code marks the theme on <body>.
  return html.replace('<body>', '<body class="vscode-dark">');
}

export interface OpenOptions {
  readonly colorScheme?: 'light' | 'dark';
  readonly viewport?: { width: number; height: number };
  /** Install a fake `acquireVsCodeApi` recording posted messages in `window.__posted` and state in `window.__state`. */
  readonly fakeHost?: boolean;
}

export async function openPage(browser: Browser, url: string, options: OpenOptions = {}): Promise<Page> {
  const contextOptions: BrowserContextOptions = { viewport: options.viewport ?? { width: 1400, height: 900 }, colorScheme: options.colorScheme ?? 'light' };
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  if (options.fakeHost) await page.addInitScript({ content: fakeHostScript(undefined) });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  errorsByPage.set(page, errors);
  await page.goto(url);
  return page;
}

/**
 * A stand-in for VS Code's `acquireVsCodeApi`: posted messages go to `window.__posted`, state to `window.__state`
 * (starting from `initialState`, as after a reload). Plain script text: functions passed from the test would be
 * transpiled with helpers the page does not have.
 */
export function fakeHostScript(initialState: unknown): string {
  return `
    window.__posted = [];
    window.__state = ${JSON.stringify(initialState ?? null)} ?? undefined;
    window.acquireVsCodeApi = function () {
      return {
        postMessage: function (m) { window.__posted.push(JSON.parse(JSON.stringify(m))); },
        getState: function () { return window.__state; },
        setState: function (s) { window.__state = JSON.parse(JSON.stringify(s)); },
      };
    };`;
}

const errorsByPage = new WeakMap<Page, string[]>();

/** Uncaught errors the page reported since openPage. */
export function pageErrors(page: Page): string[] {
  return errorsByPage.get(page) ?? [];
}

export function screenshotPath(name: string): string {
  const dir = path.join(repoRoot, 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
