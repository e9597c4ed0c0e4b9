// Runs the integration suite in desktop VS Code via @vscode/test-electron (`npm run test:electron`). It downloads
// VS Code, so it works on developer machines with internet access, not on the CI machines of this project, which
// use scripts/run-web-host-tests.mjs (code-server) with the same suite module.
//
// Environment: SPANLENS_VSCODE_VERSION (default: the minimum engines.vscode, 1.100.3; 'stable' or 'insiders' work
// too), SPANLENS_TEST_GREP, SPANLENS_TEST_TIMEOUT_MS.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<number> {
  // This file is bundled to out/test/integration/runElectron.js: three levels below the repo root.
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const extensionTestsPath = path.join(__dirname, 'index.js');
  // A copy, so tests may change files and workspace settings without touching the repo.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-electron-'));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });

  const grep = process.env.SPANLENS_TEST_GREP;
  try {
    return await runTests({
      version: process.env.SPANLENS_VSCODE_VERSION ?? '1.100.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      extensionTestsEnv: {
        SPANLENS_TEST_COLOR: process.stdout.isTTY && !process.env.NO_COLOR ? '1' : '0',
        // Bundled tests cannot find ../shared/fixtures from __dirname (out/test/integration/...): tell them.
        SPANLENS_FIXTURES: process.env.SPANLENS_FIXTURES ?? path.join(repoRoot, '..', 'shared', 'fixtures'),
        ...(grep ? { SPANLENS_TEST_GREP: grep } : {}),
        ...(process.env.SPANLENS_TEST_TIMEOUT_MS ? { SPANLENS_TEST_TIMEOUT_MS: process.env.SPANLENS_TEST_TIMEOUT_MS } : {}),
      },
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // runTests rejects when VS Code exits non-zero (failed tests) or cannot be downloaded or started.
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
