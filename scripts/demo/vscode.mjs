// VS Code for the demo: code-server on the sample shop with the extension loaded as a development extension and a
// file with manual spans open, first in a headless Chromium window that the demo uses to check (or photograph) the
// lenses, then in the user's own browser. Also: waiting for lenses with figures, and keeping VS Code's logs.
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startWebHost, waitForWorkbench } from '../webhost/host.mjs';

/** The file the demo opens: the orders service, whose functions carry manual spans (orders.create, …). */
export const DEMO_FILE = 'src/orders.ts';
/** Its line just above the first span (`orders.create`): where screenshots start. */
export const DEMO_FIRST_LINE = 18;

/** Settings that make the demo lively: figures refresh every 10 s while the load runs. */
const DEMO_USER_SETTINGS = {
  'spanlens.codeLens.refreshIntervalSeconds': 10,
  'editor.minimap.enabled': false,
  // code-server would announce every shop port in a notification that covers the editor.
  'remote.autoForwardPorts': false,
  // The built-in receiver's snapshot carries the figures from the headless window over to the user's window.
  'spanlens.receiver.persist': true,
  'workbench.colorTheme': 'Default Dark Modern',
};

/**
 * Starts code-server and the headless page. startWebHost would install its own Ctrl-C handlers, which close VS Code
 * and exit with 130 at once — racing the demo's orderly shutdown (and, mid-start, leaving a code-server behind).
 * They are turned off (handleSignals: false): the demo stops VS Code itself, after the shop, and exits 0.
 * @param {{ repoRoot: string, workspace: string, port?: number, userSettings: Record<string, unknown>,
 *   log: (line: string) => void }} options
 */
export async function startVsCode({ repoRoot, workspace, port, userSettings, log }) {
  return startWebHost({
    workspace,
    extensionPath: repoRoot,
    port,
    openFile: DEMO_FILE,
    userSettings: { ...DEMO_USER_SETTINGS, ...userSettings },
    viewport: { width: 1440, height: 900 },
    handleSignals: false,
    log: (line) => log(line.replace(/^webhost:\s*/, '')),
  });
}

/** Resolves when the workbench shows the demo file with its language mode (extensions activate then). */
export function waitForDemoEditor(host, timeoutMs = 90_000) {
  return waitForWorkbench(host.page, { editorFileName: DEMO_FILE.split('/').pop(), timeoutMs });
}

/**
 * Waits until a latency lens shows figures (its text has `p50`) and returns the texts of all lenses then.
 * @param {import('playwright-core').Page} page
 * @param {{ timeoutMs: number, signal?: AbortSignal }} options
 * @returns {Promise<string[]>}
 */
export async function waitForLensFigures(page, { timeoutMs, signal }) {
  const deadline = Date.now() + timeoutMs;
  let last = [];
  for (;;) {
    signal?.throwIfAborted();
    last = await lensTexts(page);
    if (last.some((text) => /\bp50\b/.test(text))) return last;
    if (Date.now() > deadline) {
      const seen = last.length ? `the lenses say:\n    ${last.join('\n    ')}` : 'no lens is shown at all';
      throw new Error(`no latency figures in VS Code after ${Math.round(timeoutMs / 1000)} s; ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * Scrolls the editor so that `line` (1-based) is about the first visible line, then waits a little for the lenses
 * that came into view to resolve (until their texts stop changing, at most 10 s). For screenshots: the demo file's
 * first spans start below its imports.
 */
export async function scrollEditorTo(page, line) {
  // Ctrl+Down is VS Code's "Scroll Line Down": exact, unlike wheel events, whose distance Monaco scales.
  await page.locator('.editor-instance .monaco-editor textarea').first().focus().catch(() => {});
  for (let i = 1; i < line; i++) await page.keyboard.press('Control+ArrowDown');
  let previous = '';
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(500);
    const now = JSON.stringify(await lensTexts(page));
    if (i >= 3 && now === previous) break;
    previous = now;
  }
}

/** The visible CodeLens texts of the active editor, top to bottom. */
export async function lensTexts(page) {
  return page
    .$$eval('.monaco-editor .codelens-decoration', (elements) =>
      elements
        .map((e) => ({ top: e.getBoundingClientRect().top, text: (e.textContent ?? '').trim() }))
        .sort((a, b) => a.top - b.top)
        .map((e) => e.text)
        .filter(Boolean),
    )
    .catch(() => []);
}

/**
 * Closes the headless window so that the user's browser is the only VS Code window. Leaving the page first (instead
 * of just closing the browser) makes the workbench disconnect cleanly, so code-server ends that window's extension
 * host at once — and with it the built-in receiver, which writes its snapshot and frees the port for the extension
 * host of the user's window. A browser that just vanishes keeps its extension host alive for a reconnection grace
 * period, holding the port.
 */
export async function closeHeadlessWindow(host) {
  await host.page.goto('about:blank', { timeout: 15_000 }).catch(() => {});
  await host.context.close().catch(() => {});
}

/** Copies VS Code's logs (extension host output channels included) out of the web host's temporary folder. */
export function keepVsCodeLogs(host, toDir) {
  try {
    const logs = join(host.tmpDir, 'user', 'logs');
    if (existsSync(logs)) cpSync(logs, join(toDir, 'vscode-logs'), { recursive: true });
    const serverLog = join(host.tmpDir, 'code-server.log');
    if (existsSync(serverLog)) cpSync(serverLog, join(toDir, 'code-server.log'));
  } catch {
    // Logs are a courtesy; a failure to copy them must not hide the real outcome.
  }
}
