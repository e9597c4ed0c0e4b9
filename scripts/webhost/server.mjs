// Starts code-server on a free local port and stops it again, including every process it spawned (the extension
// host, file watchers, pty host): it runs in its own process group and the whole group is killed.
import { spawn } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServer, connect } from 'node:net';

const START_TIMEOUT_MS = 60_000;

/** Asks the OS for a free port on 127.0.0.1. */
export function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * @param {{ entry: string, workspace: string, userDataDir: string, extensionsDir: string, logFile: string,
 *           port?: number, env?: Record<string, string> }} options
 * @returns {Promise<{ port: number, pid: number, stop(): Promise<void>, killNow(): void, outputTail(): string }>}
 */
export async function startCodeServer(options) {
  const port = options.port ?? (await findFreePort());
  // Without --config code-server writes ~/.config/code-server/config.yaml with a password: keep it in our folder.
  const configFile = join(dirname(options.userDataDir), 'code-server.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const args = [
    options.entry,
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir', options.userDataDir,
    '--extensions-dir', options.extensionsDir,
    options.workspace,
  ];
  const child = spawn(process.execPath, args, {
    // An empty gallery turns the marketplace off: otherwise VS Code queries open-vsx.org, which is not reachable
    // here (and tests must not depend on the internet anyway).
    env: { EXTENSIONS_GALLERY: '{}', ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const logStream = createWriteStream(options.logFile, { flags: 'a' });
  let tail = '';
  const onOutput = (data) => {
    logStream.write(data);
    tail = (tail + data.toString('utf8')).slice(-8000);
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);

  let exited = false;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });
  // A failed spawn surfaces as 'exit' too (code -2 etc.); 'error' must be handled or it would crash us.
  child.on('error', (error) => {
    tail += `\n${error.message}`;
  });

  const killGroup = (signal) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  const killNow = () => killGroup('SIGKILL');
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 3000);
      if (!exited) await exitPromise;
      clearTimeout(timer);
      // The leader may exit before its children: make sure nothing of the group survives.
      killGroup('SIGKILL');
      await new Promise((resolve) => logStream.end(resolve));
    })();
    return stopping;
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await canConnect(port))) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited before listening on port ${port}. Its output:\n${tail}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not listen on port ${port} within ${START_TIMEOUT_MS / 1000} s. Its output:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port, pid: child.pid, stop, killNow, outputTail: () => tail };
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
