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

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env['SPANLENS_CHROMIUM'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export class PageServer {
  private readonly pages = new Map<string, string>();
  private server: http.Server | undefined;
  private base = '';
  private counter = 0;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const body = this.pages.get(req.url ?? '');
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Serves `html` at a fresh path and returns its URL. */
  add(html: string): string {
    const p = `/page-${++this.counter}.html`;
    this.pages.set(p, html);
    return this.base + p;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export async function exportedPage(trace: TracePayload, compare?: TracePayload): Promise<string> {
  return buildHtmlExport({ trace, ...(compare ? { compare } : {}), assets: await viewerAssets() });
}

/** The page VS Code's panel gets: no embedded data, the trace arrives by message after `ready`. */
export async function hostedPage(): Promise<string> {
  const { script, css } = await viewerAssets();
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${css}</style></head><body class="vscode-dark"><div id="app"></div><script>${script}</script></body></html>`;
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
  if (options.fakeHost) {
    await page.addInitScript(() => {
      const w = window as unknown as { __posted: unknown[]; __state: unknown; acquireVsCodeApi: () => unknown };
      w.__posted = [];
      w.__state = undefined;
      w.acquireVsCodeApi = () => ({
        postMessage: (m: unknown) => w.__posted.push(JSON.parse(JSON.stringify(m))),
        getState: () => w.__state,
        setState: (s: unknown) => (w.__state = JSON.parse(JSON.stringify(s))),
      });
    });
  }
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { pageErrors: string[] }).pageErrors = errors;
  await page.goto(url);
  return page;
}

export function pageErrors(page: Page): string[] {
  return (page as Page & { pageErrors?: string[] }).pageErrors ?? [];
}

export function screenshotPath(name: string): string {
  const dir = path.join(repoRoot, 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
