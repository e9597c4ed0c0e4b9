// Opens a workspace in real VS Code (code-server + headless Chromium) with the extension loaded and no tests: for
// demos, screenshots and browser-level checks.
//
//   node scripts/webhost/open.mjs <workspace> [--open <file>] [--screenshot <out.png>] [--keep]
//        [--wait-for <css selector>] [--delay <ms>] [--setting <key>=<json or text>]... [--env <NAME>=<value>]...
//        [--extension <path>] [--port <n>] [--headed] [--width <px>] [--height <px>]
//
// --open        file to open, relative to the workspace (e.g. src/orders.ts)
// --wait-for    wait (up to 60 s) for this selector before the screenshot, e.g. '.codelens-decoration'
// --delay       extra wait in ms before the screenshot (animations, late CodeLens)
// --keep        keep VS Code running and print its URL until Ctrl-C
// --setting     user setting, e.g. --setting spanlens.jaeger.url=http://127.0.0.1:16686
// --env         environment of code-server and so of the extension host
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, startWebHost, waitForWorkbench } from './host.mjs';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    open: { type: 'string' },
    screenshot: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'wait-for': { type: 'string' },
    delay: { type: 'string' },
    setting: { type: 'string', multiple: true, default: [] },
    env: { type: 'string', multiple: true, default: [] },
    extension: { type: 'string' },
    port: { type: 'string' },
    headed: { type: 'boolean', default: false },
    width: { type: 'string', default: '1440' },
    height: { type: 'string', default: '900' },
  },
});

if (positionals.length !== 1) {
  console.error('usage: node scripts/webhost/open.mjs <workspace> [--open <file>] [--screenshot <out.png>] [--keep] ...');
  process.exit(2);
}

const userSettings = Object.fromEntries(flags.setting.map((pair) => splitPair(pair, '--setting', parseJsonOrText)));
const env = Object.fromEntries(flags.env.map((pair) => splitPair(pair, '--env', (v) => v)));
const started = Date.now();
const host = await startWebHost({
  workspace: resolve(positionals[0]),
  extensionPath: flags.extension ? resolve(flags.extension) : repoRoot,
  port: flags.port ? Number(flags.port) : undefined,
  openFile: flags.open,
  userSettings,
  env,
  headless: !flags.headed,
  viewport: { width: Number(flags.width), height: Number(flags.height) },
});

try {
  await waitForWorkbench(host.page, { editorFileName: flags.open ? flags.open.split(/[\\/]/).pop() : undefined });
  if (flags['wait-for']) await host.page.waitForSelector(flags['wait-for'], { timeout: 60_000 });
  if (flags.delay) await host.page.waitForTimeout(Number(flags.delay));
  console.log(`webhost: workbench ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (flags.screenshot) {
    const out = resolve(flags.screenshot);
    await host.page.screenshot({ path: out });
    console.log(`webhost: screenshot: ${out}`);
  }
} catch (error) {
  console.error(`webhost: ${error instanceof Error ? error.message : error}`);
  await host.close();
  process.exit(1);
}

if (flags.keep) {
  console.log(`webhost: VS Code is running at ${host.url}`);
  console.log('webhost: press Ctrl-C to stop');
  // The signal handlers installed by startWebHost close everything on Ctrl-C.
  await new Promise(() => {});
} else {
  await host.close();
}

function splitPair(pair, flag, parseValue) {
  const at = pair.indexOf('=');
  if (at <= 0) {
    console.error(`${flag} expects NAME=value, got '${pair}'`);
    process.exit(2);
  }
  return [pair.slice(0, at), parseValue(pair.slice(at + 1))];
}

function parseJsonOrText(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
