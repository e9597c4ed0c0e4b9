// The integration suite module VS Code loads as `extensionTestsPath` (web host and @vscode/test-electron alike):
// it runs every compiled suite/**/*.test.js with mocha inside the extension host and rejects when a test fails.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

/**
 * Prefix of the lines the web-host runner reads. Under the web host the extension host's console reaches the
 * runner mixed with the workbench's own log; the marker lets it print the suite's output and nothing else.
 */
const MARKER = '@@spanlens-integration@@ ';

type MarkerEvent =
  | { kind: 'out'; text: string }
  | { kind: 'pass' }
  | { kind: 'fail' }
  | { kind: 'done'; passed: number; failed: number };

/**
 * activation.test.js inspects what activation loaded, so it must run before any other file activates features
 * (e.g. the lazily loaded code-intelligence bundle).
 */
const FIRST_FILES = ['activation.test.js'];

export function run(): Promise<void> {
  // The web-host runner sets SPANLENS_WEBHOST: it prints the summary itself, after it has shut VS Code down.
  const underWebHost = process.env.SPANLENS_WEBHOST === '1';
  const grep = process.env.SPANLENS_TEST_GREP;
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: process.env.SPANLENS_TEST_COLOR === '1',
    timeout: Number(process.env.SPANLENS_TEST_TIMEOUT_MS ?? 60_000),
    ...(grep ? { grep } : {}),
  });

  // SPANLENS_SUITE=real: the tests against real Jaeger and Zipkin (test/integration/real/), run on their own.
  const suiteDir = path.join(__dirname, process.env.SPANLENS_SUITE === 'real' ? 'real' : 'suite');
  for (const file of orderedTestFiles(suiteDir)) mocha.addFile(file);
  const restoreReporterOutput = underWebHost ? routeOutputToRunner() : (): void => {};

  return new Promise((resolve, reject) => {
    let passed = 0;
    let failed = 0;
    const runner = mocha.run((failures) => {
      restoreReporterOutput();
      if (underWebHost) emitMarker({ kind: 'done', passed, failed });
      else console.log(`integration: ${passed} passed, ${failed} failed`);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
    runner.on('pass', () => {
      passed++;
      if (underWebHost) emitMarker({ kind: 'pass' });
    });
    // 'fail' also fires for failing hooks, which mocha counts as failures too.
    runner.on('fail', () => {
      failed++;
      if (underWebHost) emitMarker({ kind: 'fail' });
    });
  });
}

const originalLog = console.log.bind(console);

function emitMarker(event: MarkerEvent): void {
  originalLog(MARKER + JSON.stringify(event));
}

/**
 * Sends the reporter's lines to the runner as marked lines, until restored. (The tests' own console calls cannot be
 * marked: the extension host pins `console.*` with non-writable accessors. test/integration/support/webHost.ts has
 * `logToTerminal` for output a test wants on the terminal.)
 */
function routeOutputToRunner(): () => void {
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const originalReporterLog = base.consoleLog;
  base.consoleLog = (...args: unknown[]): void => emitMarker({ kind: 'out', text: format(...args) });
  return () => {
    base.consoleLog = originalReporterLog;
  };
}

function orderedTestFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (folder: string): void => {
    if (!fs.existsSync(folder)) return;
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.test.js')) files.push(full);
    }
  };
  walk(dir);
  files.sort();
  const rank = (file: string): number => {
    const index = FIRST_FILES.indexOf(path.relative(dir, file).split(path.sep).join('/'));
    return index === -1 ? FIRST_FILES.length : index;
  };
  return files.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
