// Real VS Code in a headless browser: code-server serves the workbench and runs our extension in its Node
// extension host; Chromium, driven by playwright-core, shows it. Used by the integration-test runner (with an
// `extensionTestsPath`) and by demos and screenshots (without one). See /work/shared/VSCODE-WEB-HOST.md.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { launchChromium } from './browser.mjs';
import { ensureCodeServer } from './install.mjs';
import { startCodeServer } from './server.mjs';

export const repoRoot = resolve(new URL('../..', import.meta.url).pathname);

/** User settings of the throw-away profile: nothing that phones home, nothing that covers the editor. */
const BASE_USER_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

const openHosts = new Set();

/**
 * Starts code-server on `workspace` and opens the workbench in headless Chromium with the extension at
 * `extensionPath` loaded as a development extension.
 *
 * @param {object} options
 * @param {string} options.workspace folder to open
 * @param {string} [options.extensionPath] extension to load (default: this repo)
 * @param {string} [options.extensionTestsPath] compiled suite module; present = an integration-test run
 * @param {number} [options.port] code-server port (default: a free one)
 * @param {boolean} [options.copyWorkspace] open a temporary copy so tests may change files and settings freely
 * @param {string} [options.openFile] file to open at start, relative to the workspace
 * @param {boolean} [options.handleSignals] default true: Ctrl-C / SIGTERM close the host and exit; false leaves
 *   termination to the caller (which must then call close()); the last-resort kill on exit stays either way
 * @param {Record<string, string>} [options.env] environment of code-server and so of the extension host
 * @param {Record<string, unknown>} [options.userSettings] extra user settings
 * @param {Record<string, Function>} [options.exposedFunctions] page functions exposed before the workbench loads
 * @param {boolean} [options.headless] default true
 * @param {{ width: number, height: number }} [options.viewport]
 * @param {(line: string) => void} [options.log]
 * @returns {Promise<WebHost>}
 *
 * @typedef {object} WebHost
 * @property {string} url the workbench URL
 * @property {number} port
 * @property {string} workspace the folder actually opened (a copy when copyWorkspace)
 * @property {import('playwright-core').Page} page
 * @property {import('playwright-core').BrowserContext} context
 * @property {string} tmpDir holds the profile, the opened copy and code-server.log
 * @property {() => Promise<void>} close stops the browser and code-server and deletes tmpDir; idempotent
 * @property {() => string} serverOutputTail the last lines code-server printed
 */
export async function startWebHost(options) {
  const log = options.log ?? ((line) => console.log(line));
  const extensionPath = resolve(options.extensionPath ?? repoRoot);
  const entry = await ensureCodeServer({ log });

  const tmpDir = mkdtempSync(join(tmpdir(), 'spanlens-webhost-'));
  const host = { tmpDir, closed: false, server: undefined, context: undefined };
  openHosts.add(host);
  installSignalHandlers(options.handleSignals !== false);
  const close = async () => {
    if (host.closed) return;
    host.closed = true;
    openHosts.delete(host);
    await closeQuietly(host);
    rmSync(tmpDir, { recursive: true, force: true });
  };

  try {
    let workspace = resolve(options.workspace);
    if (options.copyWorkspace) {
      const copy = join(tmpDir, 'workspace', basename(workspace));
      cpSync(workspace, copy, { recursive: true });
      workspace = copy;
    }
    const userDataDir = join(tmpDir, 'user');
    mkdirSync(join(userDataDir, 'User'), { recursive: true });
    writeFileSync(
      join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({ ...BASE_USER_SETTINGS, ...options.userSettings }, null, 2),
    );

    host.server = await startCodeServer({
      entry,
      workspace,
      port: options.port,
      userDataDir,
      extensionsDir: join(tmpDir, 'ext'),
      logFile: join(tmpDir, 'code-server.log'),
      env: options.env,
    });
    const port = host.server.port;
    const url = workbenchUrl({ port, workspace, extensionPath, extensionTestsPath: options.extensionTestsPath, openFile: options.openFile });

    const { context, page } = await launchChromium({
      userDataDir: join(tmpDir, 'chromium'),
      headless: options.headless,
      viewport: options.viewport,
    });
    host.context = context;
    for (const [name, fn] of Object.entries(options.exposedFunctions ?? {})) await page.exposeFunction(name, fn);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

    return {
      url,
      port,
      workspace,
      page,
      context,
      tmpDir,
      close,
      serverOutputTail: () => host.server?.outputTail() ?? '',
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The workbench URL with the development-extension payload VS Code's web embedder reads. */
export function workbenchUrl({ port, workspace, extensionPath, extensionTestsPath, openFile }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [['extensionDevelopmentPath', remote(extensionPath)]];
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(resolve(extensionTestsPath))]);
  payload.push(['skipWelcome', 'true']);
  if (openFile) payload.push(['openFile', remote(isAbsolute(openFile) ? openFile : join(workspace, openFile))]);
  return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/**
 * Resolves once the workbench has restored: the explorer shows the workspace folder's files and, when a file was
 * requested, its editor is visible.
 * @param {import('playwright-core').Page} page
 * @param {{ timeoutMs?: number, editorFileName?: string }} [options]
 */
export async function waitForWorkbench(page, options = {}) {
  const timeout = options.timeoutMs ?? 60_000;
  await page.waitForSelector('.monaco-workbench', { timeout });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout });
  if (options.editorFileName) {
    await page.waitForSelector(`.tab.active[aria-label^="${options.editorFileName.replace(/"/g, '\\"')}"]`, { timeout });
    await page.waitForSelector('.editor-instance .monaco-editor .view-lines .view-line', { timeout });
    // The editor first shows as Plain Text until the language extensions have registered; only then do
    // onLanguage activation events (ours included) fire.
    if (!/\.(txt|log)$/i.test(options.editorFileName)) {
      await page.waitForFunction(
        () => {
          const mode = document.getElementById('status.editor.mode')?.textContent?.trim();
          return Boolean(mode) && mode !== 'Plain Text';
        },
        undefined,
        { timeout },
      );
    }
  }
}

/**
 * An HTTP endpoint on 127.0.0.1 through which code in the extension host (integration tests) asks the harness for
 * browser-level things it cannot do itself: screenshots and reading text out of the workbench and its webviews.
 * The extension host finds it through the env variable SPANLENS_WEBHOST_CONTROL.
 *   POST /screenshot {"name": "..."}        → {"path": "<abs png>"}
 *   POST /text {"selector": "...", "frameUrlIncludes"?: "..."} → {"frames": [{"url": "...", "texts": ["..."]}]}
 *   POST /keyboard {"type"?: "text", "press"?: "Enter"}    → {} (types into whatever has focus, then presses)
 *   POST /click {"selector": "...", "frameUrlIncludes"?: "..."} → {"clicked": n} (the first visible match)
 *   POST /input {"selector": "...", "value"?: "text", "press"?: "Enter"} → {"found": n} (fills and/or presses a key on
 *        the first visible match; it is focused first, so nothing that grabbed the focus meanwhile gets the keys)
 *   POST /colors {"selector": "...", "frameUrlIncludes"?: "..."} → {"frames": [{"url", "color", "background",
 *        "bodyClass"}]} (computed text colour of the first visible match per frame, and the first opaque background
 *        behind it, so a test can check contrast under the real theme)
 * @param {{ getPage: () => import('playwright-core').Page | undefined, screenshotDir: string }} options
 */
export async function startControlServer(options) {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > 64 * 1024) req.destroy();
    });
    req.on('end', () => {
      handleControlRequest(req.url ?? '/', body, options).then(
        (result) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(result));
        },
        (error) => {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
        },
      );
    });
  });
  await new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolvePromise);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolvePromise) => server.close(() => resolvePromise())),
  };
}

async function handleControlRequest(url, body, { getPage, screenshotDir }) {
  const page = getPage();
  if (!page) throw new Error('the workbench page is not open yet');
  const request = body ? JSON.parse(body) : {};
  if (url === '/screenshot') {
    const name = String(request.name ?? 'screenshot').replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 100);
    mkdirSync(screenshotDir, { recursive: true });
    const path = join(screenshotDir, `${name}.png`);
    await page.screenshot({ path, timeout: 30_000 });
    return { path };
  }
  if (url === '/text') {
    requireSelector(request);
    const frames = [];
    for (const frame of page.frames()) {
      if (request.frameUrlIncludes && !frame.url().includes(request.frameUrlIncludes)) continue;
      const texts = await frame
        .$$eval(request.selector, (elements) => elements.map((e) => e.textContent ?? ''))
        .catch(() => []);
      if (texts.length > 0) frames.push({ url: frame.url(), texts });
    }
    return { frames };
  }
  if (url === '/keyboard') {
    if (typeof request.type === 'string') await page.keyboard.type(request.type, { delay: 5 });
    if (typeof request.press === 'string') await page.keyboard.press(request.press);
    return {};
  }
  if (url === '/click') {
    requireSelector(request);
    for await (const { target } of firstVisibleMatches(page, request)) {
      await target.click({ timeout: 10_000 });
      return { clicked: 1 };
    }
    return { clicked: 0 };
  }
  if (url === '/colors') {
    requireSelector(request);
    const frames = [];
    for await (const { frame, target } of firstVisibleMatches(page, request)) {
      const found = await target
        .evaluate((element) => {
          let background = 'rgb(0, 0, 0)';
          for (let at = element; at; at = at.parentElement) {
            const c = getComputedStyle(at).backgroundColor;
            const alpha = /rgba\([^)]*,\s*([\d.]+)\)/.exec(c);
            if (c !== 'transparent' && (!alpha || Number(alpha[1]) > 0.5)) {
              background = c;
              break;
            }
          }
          return { color: getComputedStyle(element).color, background, bodyClass: element.ownerDocument.body.className };
        }, undefined, { timeout: 10_000 })
        .catch(() => undefined);
      if (found) frames.push({ url: frame.url(), ...found });
    }
    return { frames };
  }
  if (url === '/input') {
    requireSelector(request);
    for await (const { target } of firstVisibleMatches(page, request)) {
      if (typeof request.value === 'string') await target.fill(request.value, { timeout: 10_000 });
      if (typeof request.press === 'string') await target.press(request.press, { timeout: 10_000 });
      return { found: 1 };
    }
    return { found: 0 };
  }
  throw new Error(`unknown control request ${url}`);
}

function requireSelector(request) {
  if (typeof request.selector !== 'string' || request.selector === '') throw new Error('selector is required');
}

/**
 * Per frame (those whose URL contains `frameUrlIncludes`, when given), the first visible element matching `selector`;
 * frames without one are skipped (a frame that went away meanwhile counts as without one).
 */
async function* firstVisibleMatches(page, { selector, frameUrlIncludes }) {
  for (const frame of page.frames()) {
    if (frameUrlIncludes && !frame.url().includes(frameUrlIncludes)) continue;
    const target = frame.locator(selector).filter({ visible: true }).first();
    if ((await target.count().catch(() => 0)) > 0) yield { frame, target };
  }
}

async function closeQuietly(host) {
  const context = host.context;
  host.context = undefined;
  if (context) {
    await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  }
  const server = host.server;
  host.server = undefined;
  if (server) await server.stop();
}

let signalHandlersInstalled = false;
let exitHookInstalled = false;

/** On Ctrl-C or termination, stop every open host before exiting; on any exit, kill code-server for sure. */
function installSignalHandlers(handleSignals) {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Last resort when the process exits without closing (e.g. process.exit in a hurry): code-server's group would
    // otherwise outlive us. Playwright kills the browsers it launched on exit by itself.
    process.once('exit', () => {
      for (const host of openHosts) host.server?.killNow();
    });
  }
  if (!handleSignals || signalHandlersInstalled) return;
  signalHandlersInstalled = true;
  const onSignal = (signal) => {
    process.stderr.write(`\nwebhost: ${signal}: stopping VS Code and the browser\n`);
    const all = [...openHosts].map(async (host) => {
      host.closed = true;
      await closeQuietly(host);
      rmSync(host.tmpDir, { recursive: true, force: true });
    });
    openHosts.clear();
    Promise.allSettled(all).then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
}
