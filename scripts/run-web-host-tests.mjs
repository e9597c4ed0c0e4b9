// Runs the integration suite (out/test/integration/index.js) inside real VS Code: code-server's Node extension host,
// shown by headless Chromium. Prints mocha's spec output, then `integration: N passed, N failed` as the last line,
// and exits with the suite's exit code.
//
//   node scripts/run-web-host-tests.mjs [--grep <pattern>] [--screenshot] [--headed] [--suite suite|real]
//
// `--suite real` runs test/integration/real/ (the tests against real Jaeger and Zipkin; scripts/run-real-backend-
// tests.mjs starts them and passes their URLs in SPANLENS_REAL_*) instead of test/integration/suite/.
//
// Environment:
//   SPANLENS_TEST_GREP=<pattern>          only tests whose full title matches (same as --grep)
//   SPANLENS_WEBHOST_VERBOSE=1            also print the workbench's and extension host's other log lines (dimmed);
//                                         they always go to test-results/integration-webhost.log
//   SPANLENS_SCREENSHOT=1                 save test-results/integration-workbench.png even when all tests pass
//   SPANLENS_INTEGRATION_TIMEOUT=<s>      time limit of the whole run in seconds (default 600)
//   SPANLENS_TEST_TIMEOUT_MS=<ms>         mocha's per-test timeout inside VS Code (default 60000)
//   SPANLENS_CODE_SERVER_DIR=<dir>        where code-server is installed (default .vscode-test/code-server-4.100.3)
//   SPANLENS_TEST_LABEL=<label>           the word before the closing `N passed, N failed` (default integration)
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, parseArgs } from 'node:util';
import { repoRoot, startControlServer, startWebHost } from './webhost/host.mjs';
import { CODE_SERVER_VERSION, ensureCodeServer } from './webhost/install.mjs';

const MARKER = '@@spanlens-integration@@ ';

const { values: flags } = parseArgs({
  options: {
    grep: { type: 'string' },
    screenshot: { type: 'boolean', default: false },
    headed: { type: 'boolean', default: false },
    suite: { type: 'string', default: 'suite' },
  },
});
const label = process.env.SPANLENS_TEST_LABEL || 'integration';

const timeoutSeconds = Number(process.env.SPANLENS_INTEGRATION_TIMEOUT ?? 600);
const grep = flags.grep ?? process.env.SPANLENS_TEST_GREP ?? '';
const wantScreenshot = flags.screenshot || process.env.SPANLENS_SCREENSHOT === '1';
const resultsDir = join(repoRoot, 'test-results');
const suiteModule = join(repoRoot, 'out', 'test', 'integration', 'index.js');
const workspace = join(repoRoot, 'test', 'fixtures', 'workspace');
const useColor = process.stdout.isTTY === true && !process.env.NO_COLOR;
const verbose = process.env.SPANLENS_WEBHOST_VERBOSE === '1';

if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) fatal(`SPANLENS_INTEGRATION_TIMEOUT must be a positive number of seconds, got '${process.env.SPANLENS_INTEGRATION_TIMEOUT}'`);
if (flags.suite !== 'suite' && flags.suite !== 'real') fatal(`--suite must be 'suite' or 'real', not '${flags.suite}'`);
if (!existsSync(suiteModule)) fatal(`${suiteModule} does not exist: run 'npm run build' first (npm run test:integration does both).`);

mkdirSync(resultsDir, { recursive: true });
const rawLog = [];
let passed = 0;
let failed = 0;
let suiteSummary;
let host;
let page;

let settle;
const outcome = new Promise((resolve) => (settle = resolve));

// Installing code-server (first run only) is not part of the suite's time limit.
try {
  await ensureCodeServer();
} catch (error) {
  fatal(error instanceof Error ? error.message : String(error));
}
const control = await startControlServer({ getPage: () => page, screenshotDir: resultsDir });
const startedAt = Date.now();
const timer = setTimeout(() => settle({ kind: 'timeout' }), timeoutSeconds * 1000);

try {
  host = await startWebHost({
    workspace,
    copyWorkspace: true,
    extensionTestsPath: suiteModule,
    headless: !flags.headed,
    env: {
      SPANLENS_WEBHOST: '1',
      SPANLENS_WEBHOST_CONTROL: control.url,
      SPANLENS_TEST_RESULTS: resultsDir,
      SPANLENS_TEST_COLOR: useColor ? '1' : '0',
      // Bundled tests cannot find ../shared/fixtures from __dirname (out/test/integration/...): tell them.
      SPANLENS_FIXTURES: process.env.SPANLENS_FIXTURES ?? join(repoRoot, '..', 'shared', 'fixtures'),
      SPANLENS_SUITE: flags.suite,
      ...(grep ? { SPANLENS_TEST_GREP: grep } : {}),
    },
    exposedFunctions: {
      codeAutomationExit: (code) => settle({ kind: 'exit', code: Number(code) }),
      codeAutomationLog: (type, args) => onHostLog(type, args),
    },
    log: (line) => console.log(line),
  });
  page = host.page;
  page.on('crash', () => settle({ kind: 'crash', reason: 'the workbench page crashed' }));
  page.on('close', () => settle({ kind: 'crash', reason: 'the workbench page closed' }));
  console.log(`webhost: code-server ${CODE_SERVER_VERSION} on port ${host.port}; running the suite${grep ? ` (grep: ${grep})` : ''}`);
} catch (error) {
  settle({ kind: 'crash', reason: `could not start VS Code: ${error instanceof Error ? error.message : String(error)}` });
}

const result = await outcome;
clearTimeout(timer);

let exitCode;
if (result.kind === 'exit') {
  exitCode = result.code;
  if (!suiteSummary) {
    // The extension host ended without the suite reporting: it failed to load or crashed.
    console.log(`${label}: the suite ended (exit code ${result.code}) without reporting results; see test-results/integration-webhost.log`);
    failed += 1;
    exitCode = exitCode || 1;
  } else if (suiteSummary.failed > 0 && exitCode === 0) {
    exitCode = 1;
  }
} else if (result.kind === 'timeout') {
  console.log(`${label}: time limit of ${timeoutSeconds} s reached (SPANLENS_INTEGRATION_TIMEOUT); stopping VS Code`);
  failed += 1;
  exitCode = 1;
} else {
  console.log(`${label}: ${result.reason}`);
  failed += 1;
  exitCode = 1;
}

if (page && (exitCode !== 0 || wantScreenshot)) {
  const file = join(resultsDir, 'integration-workbench.png');
  await page.screenshot({ path: file, timeout: 15_000 }).then(
    () => console.log(`webhost: screenshot of the workbench: ${file}`),
    (error) => console.log(`webhost: could not take a screenshot: ${error instanceof Error ? error.message.split('\n')[0] : error}`),
  );
}
writeFileSync(join(resultsDir, 'integration-webhost.log'), rawLog.join('\n') + '\n');
if (host && exitCode !== 0) {
  try {
    copyFileSync(join(host.tmpDir, 'code-server.log'), join(resultsDir, 'integration-code-server.log'));
  } catch {
    // Nothing was logged yet.
  }
}
await host?.close();
await control.close();

const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
if (exitCode !== 0) console.log(`webhost: logs in test-results/integration-webhost.log and test-results/integration-code-server.log (${seconds} s)`);
else console.log(`webhost: done in ${seconds} s`);
console.log(`${label}: ${suiteSummary?.passed ?? passed} passed, ${failed} failed`);
process.exit(exitCode);

/** Every log line of the workbench and extension host arrives here; only the suite's marked lines are printed. */
function onHostLog(type, args) {
  const parts = Array.isArray(args) ? args : [args];
  const text = parts.length > 0 && typeof parts[0] === 'string' ? format(...parts) : parts.map(String).join(' ');
  if (!text.startsWith(MARKER)) {
    rawLog.push(`[${type}] ${text}`);
    if (verbose) process.stdout.write(useColor ? `\x1b[2m[${type}] ${text}\x1b[0m\n` : `[${type}] ${text}\n`);
    return;
  }
  let event;
  try {
    event = JSON.parse(text.slice(MARKER.length));
  } catch {
    rawLog.push(`[${type}] ${text}`);
    return;
  }
  if (event.kind === 'out') {
    rawLog.push(`[suite] ${event.text}`);
    process.stdout.write(event.text + '\n');
  } else if (event.kind === 'pass') passed += 1;
  else if (event.kind === 'fail') failed += 1;
  else if (event.kind === 'done') {
    suiteSummary = { passed: event.passed, failed: event.failed };
    passed = event.passed;
    failed = event.failed;
  }
}

function fatal(message) {
  console.error(`webhost: ${message}`);
  console.log(`${label}: 0 passed, 1 failed`);
  process.exit(1);
}
