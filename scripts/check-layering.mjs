// Fails the build when a module outside src/vscode imports 'vscode', or when src/webview reaches into core or node.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const rules = [
  { dir: 'src/core', forbidden: [/^vscode$/], why: 'src/core is pure TypeScript: no vscode import' },
  { dir: 'src/cli', forbidden: [/^vscode$/], why: 'the CLI runs without VS Code' },
  { dir: 'src/shared', forbidden: [/^vscode$/, /^node:/], why: 'src/shared is used by the browser webview' },
  { dir: 'src/webview', forbidden: [/^vscode$/, /^node:/, /\/core\//, /^ts-morph$/, /^axios$/], why: 'the webview is a browser app talking only through src/shared/protocol.ts' },
];
const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function* files(dir) {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(name)) yield p;
  }
}

const problems = [];
for (const rule of rules) {
  for (const file of files(join(root, rule.dir))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (rule.forbidden.some((re) => re.test(spec))) {
        problems.push(`${relative(root, file)}: imports '${spec}' (${rule.why})`);
      }
    }
  }
}
if (problems.length > 0) {
  console.error('Layering check failed:\n' + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.log('Layering check passed: core, cli, shared and webview do not import vscode.');
