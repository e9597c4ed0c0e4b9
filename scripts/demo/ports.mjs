// Loopback port checks: is a port free, pick a preferred one or a free one, wait until something listens.
import { connect, createServer } from 'node:net';

/** True when nothing listens on 127.0.0.1:port and we may bind it. */
export function isPortFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS says is free right now. */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * `preferred` when it is free, else a free port. `required` (a port the user asked for) must be free.
 * @returns {Promise<{ port: number, preferredTaken: boolean }>}
 */
export async function choosePort({ preferred, required, what }) {
  if (required !== undefined) {
    if (!(await isPortFree(required))) throw new Error(`${what}: port ${required} is in use. Free it or choose another port.`);
    return { port: required, preferredTaken: false };
  }
  if (await isPortFree(preferred)) return { port: preferred, preferredTaken: false };
  return { port: await freePort(), preferredTaken: true };
}

/** The first base port from `preferred` on (in steps of 10) where `count` consecutive ports are free. */
export async function chooseBasePort(preferred, count) {
  for (let base = preferred; base + count < 65535; base += 10) {
    let allFree = true;
    for (let i = 0; i < count && allFree; i++) allFree = await isPortFree(base + i);
    if (allFree) return base;
  }
  throw new Error(`no ${count} consecutive free ports above ${preferred}`);
}

/** True when a TCP connection to host:port succeeds within timeoutMs. */
export function canConnect(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Polls until the port accepts connections. Rejects after timeoutMs, when `signal` aborts, or when `failed()`
 * returns a reason (e.g. the process that should listen has exited).
 * @param {{ port: number, timeoutMs: number, what: string, signal?: AbortSignal, failed?: () => string | undefined }} options
 */
export async function waitForPort({ port, timeoutMs, what, signal, failed }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    if (await canConnect(port)) return;
    const reason = failed?.();
    if (reason) throw new Error(`${what} did not start: ${reason}`);
    if (Date.now() > deadline) throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Polls until nothing accepts connections on the port any more; rejects after timeoutMs. */
export async function waitForPortClosed({ port, timeoutMs }) {
  const deadline = Date.now() + timeoutMs;
  while (await canConnect(port)) {
    if (Date.now() > deadline) throw new Error(`port ${port} is still taken after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
