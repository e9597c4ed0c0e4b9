// What integration tests can ask of the harness that runs them. Under the web host (scripts/run-web-host-tests.mjs)
// the runner serves a small HTTP endpoint on 127.0.0.1 (SPANLENS_WEBHOST_CONTROL) for browser-level work the
// extension host cannot do: screenshots and reading text out of the workbench and its webview iframes. Under
// @vscode/test-electron there is no browser to drive; these helpers then return undefined and tests should skip.
import Mocha from 'mocha';
export { contrastRatio } from '../../support/contrast';

const CONTROL_TIMEOUT_MS = 30_000;

/** True when the suite runs in code-server driven by the web-host runner. */
export function isWebHost(): boolean {
  return process.env.SPANLENS_WEBHOST === '1' && Boolean(process.env.SPANLENS_WEBHOST_CONTROL);
}

/**
 * Prints a line between the reporter's lines on the runner's terminal. Plain `console.log` from a test under the web
 * host only reaches test-results/integration-webhost.log (or the terminal with SPANLENS_WEBHOST_VERBOSE=1).
 */
export function logToTerminal(...args: unknown[]): void {
  (Mocha.reporters.Base as unknown as { consoleLog: (...a: unknown[]) => void }).consoleLog(...args);
}

/** Saves a screenshot of the whole workbench as test-results/<name>.png; returns its path (undefined off the web host). */
export async function takeScreenshot(name: string, signal?: AbortSignal): Promise<string | undefined> {
  const reply = await control<{ path: string }>('/screenshot', { name }, signal);
  return reply?.path;
}

export interface FrameTexts {
  /** URL of the frame; webviews are iframes whose URL contains `vscode-webview` / the webview's origin. */
  readonly url: string;
  /** textContent of every element matching the selector in that frame, in document order. */
  readonly texts: readonly string[];
}

/**
 * textContent of every element matching a CSS selector, in the workbench page and all its frames (webviews
 * included), optionally only in frames whose URL contains `frameUrlIncludes`. Undefined off the web host.
 * Example: `await workbenchTexts('.codelens-decoration')` returns the CodeLens lines the editor shows.
 */
export async function workbenchTexts(
  selector: string,
  options: { frameUrlIncludes?: string; signal?: AbortSignal } = {},
): Promise<readonly FrameTexts[] | undefined> {
  const reply = await control<{ frames: FrameTexts[] }>(
    '/text',
    { selector, ...(options.frameUrlIncludes ? { frameUrlIncludes: options.frameUrlIncludes } : {}) },
    options.signal,
  );
  return reply?.frames;
}

async function control<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T | undefined> {
  const base = process.env.SPANLENS_WEBHOST_CONTROL;
  if (!isWebHost() || !base) return undefined;
  const timeout = AbortSignal.timeout(CONTROL_TIMEOUT_MS);
  const response = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  const payload = (await response.json()) as T | { error: string };
  if (!response.ok) {
    const message = typeof payload === 'object' && payload !== null && 'error' in payload ? payload.error : response.statusText;
    throw new Error(`web-host control ${path} failed: ${message}`);
  }
  return payload as T;
}

/** Types text into what has focus in the workbench and/or presses a key (Playwright key names). False off the web host. */
export async function keyboard(input: { type?: string; press?: string }, signal?: AbortSignal): Promise<boolean> {
  return (await control<Record<string, never>>('/keyboard', input, signal)) !== undefined;
}

/** Clicks the first visible element matching `selector` (in any frame, or those whose URL contains `frameUrlIncludes`). */
export async function click(selector: string, options: { frameUrlIncludes?: string; signal?: AbortSignal } = {}): Promise<boolean> {
  const reply = await control<{ clicked: number }>(
    '/click',
    { selector, ...(options.frameUrlIncludes ? { frameUrlIncludes: options.frameUrlIncludes } : {}) },
    options.signal,
  );
  return (reply?.clicked ?? 0) > 0;
}

/**
 * Sets the value of the first visible input matching `selector` and/or presses a key on it. Unlike `keyboard`, it
 * focuses the element first, so a webview that took the focus in the meantime cannot swallow the keys.
 */
export async function input(selector: string, action: { value?: string; press?: string }, signal?: AbortSignal): Promise<boolean> {
  const reply = await control<{ found: number }>('/input', { selector, ...action }, signal);
  return (reply?.found ?? 0) > 0;
}

export interface ElementColors {
  url: string;
  /** Computed text colour, e.g. `rgb(255, 255, 255)`. */
  color: string;
  /** The first opaque background behind the element. */
  background: string;
  /** The class of the frame's body (VS Code puts the theme kind there, e.g. `vscode-high-contrast`). */
  bodyClass: string;
}

/** Colours of the first visible match of `selector` in each frame, under the theme VS Code applies. */
export async function elementColors(selector: string, options: { frameUrlIncludes?: string; signal?: AbortSignal } = {}): Promise<ElementColors[] | undefined> {
  const reply = await control<{ frames: ElementColors[] }>(
    '/colors',
    { selector, ...(options.frameUrlIncludes ? { frameUrlIncludes: options.frameUrlIncludes } : {}) },
    options.signal,
  );
  return reply?.frames;
}
