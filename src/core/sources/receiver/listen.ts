import type { Server } from 'node:http';
import { SpanLensError } from '../../errors';

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  /** What the server is, for messages: "The built-in OTLP receiver". */
  readonly what: string;
  /** How the user picks another port, e.g. "the setting spanlens.receiver.port" or "--port". */
  readonly portHint: string;
  /** Extra sentence for a port in use, e.g. who usually listens there. */
  readonly inUseHint?: string;
}

/** Listens, turning the usual failures into SpanLensErrors that say what to do. */
export function listen(server: Server, options: ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(listenError(e, options));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: options.host, port: options.port, exclusive: true });
  });
}

export function listenError(e: NodeJS.ErrnoException, options: ListenOptions): SpanLensError {
  const where = `${options.host}:${options.port}`;
  const url = `http://${where}`;
  switch (e.code) {
    case 'EADDRINUSE':
      return new SpanLensError(
        'bad-input',
        `Port ${options.port} is already in use${options.inUseHint ? ` — ${options.inUseHint}` : ''}. ${options.what} could not start there; choose another port with ${options.portHint}.`,
        { url, cause: e },
      );
    case 'EACCES':
      return new SpanLensError('bad-input', `${options.what} is not allowed to listen on ${where}; choose a port above 1023 with ${options.portHint}.`, {
        url,
        cause: e,
      });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new SpanLensError('bad-input', `${options.what} cannot listen on ${options.host}: no such local address. Use 127.0.0.1.`, { url, cause: e });
    default:
      return new SpanLensError('unreachable', `${options.what} could not listen on ${where}: ${e.message}`, { url, cause: e });
  }
}

/** Closes a server and its idle and active connections; resolves when it is closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeIdleConnections();
    // Senders mid-request get cut off: stopping is a decision, not something to wait out.
    setImmediate(() => server.closeAllConnections());
  });
}
