// Launches the Debian Chromium through playwright-core (never `playwright install`: no browser downloads here).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/** Path of the Chromium to drive; `SPANLENS_CHROMIUM` overrides the search. */
export function chromiumPath() {
  const fromEnv = process.env.SPANLENS_CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`SPANLENS_CHROMIUM=${fromEnv} does not exist`);
    return fromEnv;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error('Chromium not found. Install it with: apt-get update && apt-get install -y chromium (or set SPANLENS_CHROMIUM).');
  }
  return found;
}

/**
 * Opens a browser with a fresh profile in `userDataDir` and returns its first page.
 * Signal handling is left to the caller, which must also stop code-server in the right order.
 * @param {{ userDataDir: string, headless?: boolean, viewport?: { width: number, height: number } }} options
 */
export async function launchChromium(options) {
  const context = await chromium.launchPersistentContext(options.userDataDir, {
    executablePath: chromiumPath(),
    headless: options.headless ?? true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1440, height: 900 },
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}
