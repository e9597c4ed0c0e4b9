import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Trace } from '../../src/core/model/trace';
import { JaegerTestStore, loadFixtureTraces, shiftIntoRecentPast, traceFixtureFiles } from './jaegerTestStore';
import { route, versionFeatures, type JaegerTestVersion, type RouteContext } from './jaegerTestRoutes';
import { INDEX_HTML, v1Error, v3Error, type Reply } from './jaegerTestReplies';
import type { MetricsMode } from './jaegerTestMetrics';

export type { JaegerTestVersion } from './jaegerTestRoutes';
export type { MetricsMode } from './jaegerTestMetrics';

/**
 * Ways the server misbehaves on purpose:
 * - `refuse`: stop listening (connections are refused) until the fault is cleared, then listen on the same port;
 * - `reset`: accept, read the request, then destroy the socket ("socket hang up");
 * - `hang`: never answer;
 * - `5xx`: 500 with Jaeger's error body (v1 envelope or api/v3 error, by path);
 * - `html`: 200 with the UI's index.html instead of JSON;
 * - `truncated`: the real answer with its full Content-Length, but only half the body, then the socket closes;
 * - `huge`: a 200 JSON body of `hugeBytes` (default 257 MiB, past the client's default cap), streamed;
 * - `slow`: the real answer, trickled `dripBytes` at a time every `dripIntervalMs`.
 */
export type FaultMode = 'refuse' | 'reset' | 'hang' | '5xx' | 'html' | 'truncated' | 'huge' | 'slow';

export interface FaultOptions {
  readonly mode: FaultMode;
  /** Apply to this many requests, then behave again (not for `refuse`). Default: until cleared. */
  readonly times?: number;
  /** Only requests whose path (after the base path) starts with this. */
  readonly pathPrefix?: string;
  readonly hugeBytes?: number;
  readonly dripBytes?: number;
  readonly dripIntervalMs?: number;
}

export interface JaegerTestServerOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly version?: JaegerTestVersion;
  /** Load the shared fixture traces: true (default) for all trace fixtures, a list of relative paths, or false. */
  readonly fixtures?: boolean | readonly string[];
  /** More traces to serve, as given (not time-shifted). */
  readonly traces?: readonly Trace[];
  /** Fixture traces end just before this time (µs); default: when the server starts. */
  readonly anchorUs?: number;
  /** Shift fixture traces into the recent past (default true); false keeps their recorded times. */
  readonly shiftFixtures?: boolean;
  /** SPM answers: false (default, 501 like the all-in-one), 'fixture' or 'computed'. */
  readonly metrics?: MetricsMode;
  /** Serve under a path prefix, like Jaeger's `base_path` (e.g. `/jaeger`). */
  readonly basePath?: string;
  /** Memory storage's max_traces (search depth limit). */
  readonly maxTraces?: number;
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  readonly tls?: { readonly key: string; readonly cert: string };
}

export interface LoggedRequest {
  readonly method: string;
  /** Full path as received, without the query. */
  readonly path: string;
  readonly params: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
}

export interface JaegerTestServer {
  /** Base URL including the base path, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly version: JaegerTestVersion;
  /** Everything served, most recent first (fixtures already shifted). */
  readonly traces: readonly Trace[];
  /** Every request received, in order. */
  readonly requests: LoggedRequest[];
  setFault(fault: FaultMode | FaultOptions | undefined): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_HUGE_BYTES = 257 * 1024 * 1024;

/**
 * An imitation of Jaeger's query service (port 16686) over the shared fixture traces, answering per the contract in
 * shared/JAEGER-API.md for the chosen version, on 127.0.0.1.
 */
export async function startJaegerTestServer(options: JaegerTestServerOptions = {}): Promise<JaegerTestServer> {
  const version = options.version ?? 'v2.20';
  const anchorUs = options.anchorUs ?? Date.now() * 1000;
  const fixtureFiles = options.fixtures === false ? [] : options.fixtures === true || options.fixtures === undefined ? traceFixtureFiles() : options.fixtures;
  const fixtureTraces = loadFixtureTraces(fixtureFiles);
  const givenIds = new Set((options.traces ?? []).map((t) => t.traceId));
  const shifted = (options.shiftFixtures ?? true) ? shiftIntoRecentPast(fixtureTraces, anchorUs) : fixtureTraces;
  const store = new JaegerTestStore([...(options.traces ?? []), ...shifted.filter((t) => !givenIds.has(t.traceId))], options.maxTraces);
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const ctx: RouteContext = { store, features: versionFeatures(version), metrics: options.metrics ?? false, nowUs: () => Date.now() * 1000 };

  const requests: LoggedRequest[] = [];
  const sockets = new Set<Socket>();
  let fault: (FaultOptions & { remaining: number }) | undefined;

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, params: url.searchParams, headers: req.headers });
    let rel: string | undefined;
    if (basePath === '') rel = url.pathname;
    else if (url.pathname === basePath || url.pathname.startsWith(`${basePath}/`)) rel = url.pathname.slice(basePath.length) || '/';
    const active = fault && fault.mode !== 'refuse' && (fault.pathPrefix === undefined || (rel ?? url.pathname).startsWith(fault.pathPrefix)) ? fault : undefined;
    if (active) {
      active.remaining--;
      if (active.remaining <= 0) fault = undefined;
    }
    const reply = (): Reply => {
      if (rel === undefined) return ctx.features.indexHtmlForUnknown ? INDEX_HTML : route(ctx, 'GET', '/not-under-base-path', url.searchParams);
      return route(ctx, req.method ?? 'GET', rel, url.searchParams);
    };
    if (!active) return send(res, reply());
    applyFault(active, req, res, reply, rel ?? url.pathname);
  };
  const server: http.Server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stopListening = (): Promise<void> =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });

  const port = await listen(options.port ?? 0);
  let listening = true;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}${basePath}`,
    port,
    version,
    traces: store.traces,
    requests,
    async setFault(next) {
      const options: FaultOptions | undefined = typeof next === 'string' ? { mode: next } : next;
      fault = options ? { ...options, remaining: options.times ?? Infinity } : undefined;
      if (options?.mode === 'refuse' && listening) {
        listening = false;
        await stopListening();
      } else if (options?.mode !== 'refuse' && !listening) {
        await listen(port);
        listening = true;
      }
    },
    async close() {
      fault = undefined;
      if (listening) {
        listening = false;
        await stopListening();
      }
    },
  };
}

function send(res: http.ServerResponse, reply: Reply): void {
  const body = Buffer.from(reply.body, 'utf8');
  res.writeHead(reply.status, { 'Content-Type': reply.contentType, 'Content-Length': String(body.length), ...reply.headers });
  res.end(body);
}

function applyFault(fault: FaultOptions, req: http.IncomingMessage, res: http.ServerResponse, reply: () => Reply, path: string): void {
  switch (fault.mode) {
    case 'refuse':
    case 'reset':
      req.socket.destroy();
      return;
    case 'hang':
      return; // the socket stays open until the client gives up or the server closes
    case '5xx':
      send(res, path.startsWith('/api/v3/') ? v3Error(500, 'test fault: storage backend unavailable') : v1Error(500, 'test fault: storage backend unavailable'));
      return;
    case 'html':
      send(res, INDEX_HTML);
      return;
    case 'truncated': {
      const r = reply();
      const body = Buffer.from(r.body, 'utf8');
      res.writeHead(r.status, { 'Content-Type': r.contentType, 'Content-Length': String(body.length), ...r.headers });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
      return;
    }
    case 'huge':
      streamHuge(res, fault.hugeBytes ?? DEFAULT_HUGE_BYTES);
      return;
    case 'slow': {
      const r = reply();
      const body = Buffer.from(r.body, 'utf8');
      res.writeHead(r.status, { 'Content-Type': r.contentType, 'Content-Length': String(body.length), ...r.headers });
      const step = Math.max(1, fault.dripBytes ?? 64);
      let offset = 0;
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        const chunk = body.subarray(offset, offset + step);
        offset += step;
        if (offset >= body.length) {
          clearInterval(timer);
          res.end(chunk);
        } else {
          res.write(chunk);
        }
      }, fault.dripIntervalMs ?? 100);
      res.on('close', () => clearInterval(timer));
      return;
    }
  }
}

/** A syntactically plausible v1 envelope that just keeps going, written with backpressure until `bytes`. */
function streamHuge(res: http.ServerResponse, bytes: number): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const filler = Buffer.from(`${JSON.stringify('x'.repeat(64 * 1024 - 3))},`);
  let sent = 0;
  res.write('{"data":[');
  const pump = (): void => {
    while (!res.destroyed && sent < bytes) {
      sent += filler.length;
      if (!res.write(filler)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end('"end"],"total":0,"limit":0,"offset":0,"errors":null}');
  };
  pump();
}
