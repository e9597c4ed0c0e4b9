// The demo's child processes (shop, load, CLI receiver). Each runs in its own process group so that stopping it
// also stops whatever it spawned (start-all's five services), its output goes to a log file, and a last-resort
// exit hook kills every group still alive so nothing outlives the demo.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

const live = new Set();
let exitHookInstalled = false;

/**
 * @typedef {object} ManagedProcess
 * @property {string} name
 * @property {number | undefined} pid
 * @property {string} logFile
 * @property {Promise<{ code: number | null, signal: string | null }>} exited
 * @property {() => boolean} hasExited
 * @property {() => string} outputTail the last lines it printed
 * @property {(graceMs?: number) => Promise<void>} stop SIGTERM to the group, SIGKILL after graceMs; idempotent
 */

/**
 * @param {{ name: string, command: string, args: string[], cwd?: string, env?: Record<string, string>,
 *   logFile: string, onLine?: (line: string) => void }} options
 * @returns {ManagedProcess}
 */
export function startProcess(options) {
  installExitHook();
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let tail = '';
  let partial = '';
  const onData = (data) => {
    log.write(data);
    const text = data.toString('utf8');
    tail = (tail + text).slice(-6000);
    if (options.onLine) {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onLine(line);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  let exitInfo;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      live.delete(managed);
      resolve(exitInfo);
    });
  });
  // A failed spawn (missing executable) surfaces as 'error' and then 'exit'; keep the message for the user.
  child.once('error', (error) => {
    tail += `\n${error.message}`;
  });

  const killGroup = (signal) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // ESRCH: the whole group is gone already.
    }
  };
  let stopping;
  const managed = {
    name: options.name,
    pid: child.pid,
    logFile: options.logFile,
    exited,
    hasExited: () => exitInfo !== undefined,
    outputTail: () => tail.split('\n').slice(-25).join('\n'),
    killGroupNow: () => killGroup('SIGKILL'),
    stop: (graceMs = 10_000) => {
      stopping ??= (async () => {
        if (exitInfo === undefined) {
          // The leader alone first: start-all stops its services in order and lets each flush its spans.
          try {
            if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
          } catch {
            // already gone
          }
          const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        }
        // Whatever the leader left behind in its group goes too.
        killGroup('SIGTERM');
        await new Promise((resolve) => setTimeout(resolve, 200));
        killGroup('SIGKILL');
        await new Promise((resolve) => log.end(resolve));
      })();
      return stopping;
    },
  };
  live.add(managed);
  return managed;
}

/** Kills the groups of every process still running, right now (for a second Ctrl-C). */
export function killAllNow() {
  for (const p of live) p.killGroupNow();
}

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => killAllNow());
}

/** A one-shot command (a build step); rejects with the tail of its output when it fails, stops it on abort. */
export function runCommand({ title, command, args, cwd, env, logFile, signal }) {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const p = startProcess({ name: title, command, args, cwd, env, logFile });
    const onAbort = () => void p.stop(3000);
    signal?.addEventListener('abort', onAbort, { once: true });
    p.exited.then(({ code, signal: killedBy }) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(signal.reason);
      else if (code === 0) resolve();
      else reject(new Error(`${title} failed (${killedBy ?? `exit code ${code}`}). Its output (full log: ${logFile}):\n${p.outputTail()}`));
    });
  });
}
