// Debian packages real VS Code needs here (see /work/shared/VSCODE-WEB-HOST.md): chromium (the headless browser
// that opens the workbench), ripgrep and libkrb5-dev (to install code-server). As root they are installed with
// apt-get, the way a fresh container or CI machine is set up; otherwise the exact command is printed and the demo
// stops, because installing system packages is the user's call.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Debian package names that are missing, in install order. */
export function missingPackages({ needInstallTools }) {
  const missing = [];
  if (!process.env.SPANLENS_CHROMIUM && !CHROMIUM_PATHS.some((p) => existsSync(p))) missing.push('chromium');
  if (needInstallTools) {
    if (!commandExists('rg')) missing.push('ripgrep');
    // The header files are what the kerberos native module builds against.
    if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  }
  return missing;
}

/**
 * Makes sure the packages are there: installs them as root, else throws with the command to run.
 * @param {{ needInstallTools: boolean, log: (line: string) => void, logFile: string }} options
 */
export async function ensurePackages({ needInstallTools, log, logFile }) {
  const missing = missingPackages({ needInstallTools });
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !commandExists('apt-get')) {
    throw new Error(
      `missing system packages: ${missing.join(', ')}. Install them, then run the demo again:\n` +
        `    sudo sh -c '${command}'\n` +
        '(Not Debian/Ubuntu? Install Chromium, ripgrep and the Kerberos development headers with your package manager;\n' +
        ' SPANLENS_CHROMIUM=/path/to/chrome points the demo at another Chromium.)',
    );
  }
  log(`installing missing system packages as root: ${missing.join(', ')} (apt-get; log: ${logFile})`);
  await aptGet(['update'], logFile);
  await aptGet(['install', '-y', '--no-install-recommends', ...missing], logFile);
  const still = missingPackages({ needInstallTools });
  if (still.length > 0) throw new Error(`apt-get finished but ${still.join(', ')} still missing; see ${logFile}`);
}

function aptGet(args, logFile) {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `apt-get ${args.join(' ')} >>"$LOG" 2>&1`], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LOG: logFile },
      stdio: 'ignore',
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`apt-get ${args[0]} failed (exit code ${code}); see ${logFile}`))));
  });
}

function commandExists(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
