// Builds samples/shop (its own npm project): installs its dependencies when they are missing or older than its
// lockfile, then compiles it. Used by the integration tests and the demo.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildJavaSample } from './samples/java.mjs';

const shop = join(new URL('..', import.meta.url).pathname, 'samples', 'shop');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const installed = join(shop, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(join(shop, 'package-lock.json')).mtimeMs) {
  console.log('sample: installing samples/shop dependencies (npm ci)');
  execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: shop, stdio: 'inherit' });
}
execFileSync(npm, ['run', 'build', '--silent'], { cwd: shop, stdio: 'inherit' });
console.log('sample: samples/shop built');
buildJavaSample();
