// Runs first (see FIRST_FILES in ../index.ts): it checks what activation itself loads, before other tests use
// features that legitimately pull in the code-intelligence bundle.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'spanlens.spanlens';

interface ContributedCommand {
  command: string;
}

function ourExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  return extension;
}

/** Module paths in the extension host's CommonJS cache that belong to our extension folder. */
function loadedModulesOf(extensionPath: string): string[] {
  const root = path.resolve(extensionPath) + path.sep;
  return Object.keys(require.cache)
    .filter((file) => file.startsWith(root))
    .map((file) => path.relative(root, file).split(path.sep).join('/'));
}

describe('activation', () => {
  before(async function () {
    // Activation is the first thing that happens in a fresh window; give a cold extension host room.
    this.timeout(120_000);
    await ourExtension().activate();
  });

  it('activates the extension', () => {
    assert.equal(ourExtension().isActive, true);
  });

  it('registers every command contributed in package.json', async () => {
    const contributed = ((ourExtension().packageJSON as { contributes?: { commands?: ContributedCommand[] } }).contributes?.commands ?? []).map(
      (c) => c.command,
    );
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('does not load ts-morph, TypeScript or the code-intelligence bundle', () => {
    const extension = ourExtension();
    const main = (extension.packageJSON as { main?: string }).main;
    assert.ok(main, 'package.json has no main');
    const mainRelative = path.posix.normalize(main.replace(/^\.\//, ''));
    const loaded = loadedModulesOf(extension.extensionPath);
    // Positive control: the cache we inspect is the one the extension host loaded our main module through. Without
    // this, an empty result would prove nothing.
    assert.ok(loaded.includes(mainRelative), `${mainRelative} is not in require.cache; loaded from the extension: ${loaded.join(', ')}`);
    const heavy = loaded.filter(
      (file) =>
        /(^|\/)node_modules\/(typescript|ts-morph|@ts-morph|@vscode\/tree-sitter-wasm|web-tree-sitter)\//.test(file) ||
        /(^|\/)tree-sitter[^/]*\.js$/.test(file) ||
        file === 'dist/codeIntelWorker.js',
    );
    assert.deepEqual(heavy, [], `activation loaded heavy modules: ${heavy.join(', ')}`);
  });

  it('does not start the code-intelligence worker (ts-morph and TypeScript) at activation', async () => {
    const api = (await ourExtension().activate()) as { codeIntel?: { started: boolean } };
    assert.ok(api.codeIntel, 'the extension API exposes its code-intelligence client');
    assert.equal(api.codeIntel.started, false);
  });

  it('does not bundle the TypeScript compiler into the activation bundle', () => {
    // require.cache cannot see a compiler that esbuild inlined into dist/extension.js, so look inside the bundle:
    // this diagnostic key is part of every TypeScript compiler build and survives minification.
    const extension = ourExtension();
    const main = (extension.packageJSON as { main: string }).main;
    const bundle = fs.readFileSync(path.join(extension.extensionPath, main), 'utf8');
    assert.equal(bundle.includes('Identifier_expected_1003'), false, `${main} contains the TypeScript compiler`);
    // Nor the tree-sitter runtime (its parser class carries this error text) for Python, Go and Java.
    assert.equal(bundle.includes('Illegal constructor'), false, `${main} contains the tree-sitter runtime`);
  });
});
