// Installs the shop's Python service (samples/shop/python/recommendations): a venv under
// .spanlens-cache/samples/python-recommendations with the pinned requirements.txt from PyPI. A stamp with the
// requirements' hash makes a repeat run a no-op, so `npm test` on a machine that has it costs nothing. Without
// python3 (or its venv module) it says so and installs nothing: start-all then skips the service.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
export const pythonServiceDir = join(root, 'samples', 'shop', 'python', 'recommendations');
export const pythonVenvDir = join(root, '.spanlens-cache', 'samples', 'python-recommendations');
const TEN_MINUTES = 10 * 60 * 1000;

function venvPython() {
  return join(pythonVenvDir, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
}

/** Returns true when the venv is ready (now or before), false when it was skipped; throws when an install fails. */
export function buildPythonSample() {
  if (spawnSync('python3', ['-c', 'import venv, sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)'], { stdio: 'ignore', timeout: 60_000 }).status !== 0) {
    console.log('sample: skipping the Python recommendations service (python3 3.9 or later with venv is needed on the PATH)');
    return false;
  }
  const requirements = join(pythonServiceDir, 'requirements.txt');
  const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  const stamp = join(pythonVenvDir, '.spanlens-requirements.sha256');
  if (existsSync(venvPython()) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash) {
    console.log('sample: samples/shop/python/recommendations is up to date');
    return true;
  }
  console.log('sample: installing the Python recommendations service (pip, into .spanlens-cache/samples/python-recommendations)');
  rmSync(pythonVenvDir, { recursive: true, force: true });
  const venv = spawnSync('python3', ['-m', 'venv', pythonVenvDir], { stdio: 'inherit', timeout: TEN_MINUTES });
  if (venv.status !== 0) throw new Error(`python3 -m venv ${pythonVenvDir} failed (${venv.error?.message ?? `exit ${venv.status}`})`);
  const pip = spawnSync(venvPython(), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements], { stdio: 'inherit', timeout: TEN_MINUTES });
  if (pip.status !== 0) throw new Error(`pip install -r ${requirements} failed (${pip.error?.message ?? `exit ${pip.status}`})`);
  writeFileSync(stamp, `${hash}\n`);
  console.log('sample: samples/shop/python/recommendations installed');
  return true;
}
