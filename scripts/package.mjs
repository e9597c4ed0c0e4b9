// Builds production bundles and packs the .vsix with vsce; prints its size and checks what went in.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(root, `${pkg.name}-${pkg.version}.vsix`);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

run(process.execPath, ['scripts/build.mjs', '--production']);
run(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out]);

// What vsce packs, as it lists it: refuse sources, tests, node_modules and source maps.
const listing = execFileSync(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);
const forbidden = listing.filter((f) => /(^|\/)(src|node_modules|test|out|samples)\//.test(f) || /\.(map|ts)$/.test(f));
if (forbidden.length > 0) {
  console.error(`The .vsix contains files it must not:\n  ${forbidden.join('\n  ')}`);
  process.exit(1);
}
const size = statSync(out).size;
console.log(`\n${out}\n  ${listing.length} files, ${(size / 1024 / 1024).toFixed(2)} MiB`);
