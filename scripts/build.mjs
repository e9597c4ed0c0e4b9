// Bundles the extension, the lazily loaded code-intelligence module, the CLI, the webview and the test suites.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  legalComments: 'none',
};

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nodeCommon = { ...common, define: { SPANLENS_VERSION: JSON.stringify(pkg.version) }, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] };

function testEntries(dir) {
  const out = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(join(root, dir));
  return out;
}

const builds = [
  // The extension itself: small, loads nothing heavy at activation.
  { ...nodeCommon, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' },
  // ts-morph and the TypeScript compiler live here, in a worker thread started on first use only.
  { ...nodeCommon, entryPoints: { codeIntelWorker: 'src/core/code/codeIntelWorker.ts' }, outdir: 'dist' },
  { ...nodeCommon, entryPoints: { viewerWorker: 'src/core/export/viewerWorker.ts' }, outdir: 'dist' },
  // The command line.
  { ...nodeCommon, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  // The trace viewer app, for the browser.
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: { webview: 'src/webview/main.ts' }, outdir: 'dist' },
  // Integration suites and their runners: run inside VS Code's extension host (or by node for the runners).
  {
    ...nodeCommon,
    entryPoints: testEntries('test/integration'),
    outdir: 'out/test/integration',
    outbase: 'test/integration',
    external: ['vscode', 'mocha', 'playwright-core', '@vscode/test-electron'],
  },
];

mkdirSync(join(root, 'dist'), { recursive: true });
// The tree-sitter runtime and the grammars of the languages read with it, beside the bundles that load them on
// first use (src/core/code/treeSitter/treeSitterRuntime.ts); the .vsix ships this folder.
const grammarNames = ['python', 'go', 'java'];
const wasmSource = join(root, 'node_modules', '@vscode', 'tree-sitter-wasm', 'wasm');
const wasmTarget = join(root, 'dist', 'tree-sitter');
mkdirSync(wasmTarget, { recursive: true });
for (const file of ['tree-sitter.js', 'tree-sitter.wasm', ...grammarNames.map((g) => `tree-sitter-${g}.wasm`)]) {
  copyFileSync(join(wasmSource, file), join(wasmTarget, file));
}
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
  console.log('esbuild: watching');
} else {
  const started = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`esbuild: built ${builds.length} bundles in ${Date.now() - started} ms`);
}
