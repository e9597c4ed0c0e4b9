import type { Express } from 'express';
import type { Server } from 'node:http';
import { HOST } from './config';

export interface ServeOptions {
  readonly name: string;
  readonly port: number;
  /** Runs after the HTTP server stopped accepting requests and before telemetry is flushed. */
  readonly beforeExit?: () => Promise<void>;
  /** Flushes telemetry; undefined for uninstrumented processes (the queue broker). */
  readonly shutdownTelemetry?: () => Promise<void>;
}

/**
 * Listens on loopback and shuts down gracefully on SIGTERM/SIGINT: stop accepting, finish in-flight requests,
 * run `beforeExit`, flush the spans still buffered in the BatchSpanProcessor, exit.
 */
export function serve(app: Express, options: ServeOptions): Server {
  app.get('/health', (_req, res) => {
    res.json({ service: options.name, ok: true });
  });
  const server = app.listen(options.port, HOST, () => {
    console.log(`[${options.name}] listening on http://${HOST}:${options.port}`);
  });
  server.on('error', (e) => {
    console.error(`[${options.name}] cannot listen on ${HOST}:${options.port}: ${e.message}`);
    process.exit(1);
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close(() => {
      void (async () => {
        try {
          await options.beforeExit?.();
        } finally {
          await options.shutdownTelemetry?.();
          process.exit(0);
        }
      })();
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return server;
}
