// Builds the Go service of the sample shop (samples/shop/go/pricing, its own go.mod) into samples/shop/dist/pricing
// (git-ignored), with Go's default module and build caches: the first run downloads the modules go.sum pins from
// the module proxy, later runs cost a cached build (a few seconds). Without a Go toolchain it says so and builds
// nothing; start-all then skips pricing and says so. A failed build (offline, say) removes the old binary so
// start-all never runs a stale one, and fails the build under CI=true.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export function buildGoSample(shopDir) {
  const service = join(shopDir, 'go', 'pricing');
  try {
    execFileSync('go', ['version'], { stdio: 'ignore', timeout: 30_000 });
  } catch {
    console.log('sample: no Go toolchain (go) on the PATH: skipping the Go pricing service');
    return false;
  }
  mkdirSync(join(shopDir, 'dist'), { recursive: true });
  const out = join(shopDir, 'dist', process.platform === 'win32' ? 'pricing.exe' : 'pricing');
  try {
    // -mod=readonly: go.mod and go.sum are the pins; a build never rewrites them.
    execFileSync('go', ['build', '-mod=readonly', '-o', out, '.'], { cwd: service, stdio: 'inherit', timeout: 600_000 });
  } catch (e) {
    rmSync(out, { force: true });
    const message = `sample: building the Go pricing service failed (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); start-all will skip it`;
    if (process.env.CI === 'true') throw new Error(message);
    console.log(message);
    return false;
  }
  console.log('sample: samples/shop/go/pricing built (Go)');
  return true;
}
