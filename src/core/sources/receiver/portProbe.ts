import * as http from 'node:http';
import * as net from 'node:net';
import { OTLP_TRACES_PATH } from './otlpHttpHandler';

/** What listens on the OTLP port, as far as a few harmless requests can tell. */
export interface OtlpPortProbe {
  readonly inUse: boolean;
  /** Something on the port accepted an empty OTLP/HTTP trace export: Jaeger, an OpenTelemetry Collector, another receiver. */
  readonly otlpReceiver: boolean;
  /** A Jaeger query API answering on the usual port (16686) of the same host, when one does. */
  readonly jaegerQueryUrl?: string;
  /** A sentence for the user. */
  readonly detail: string;
}

export interface OtlpPortProbeOptions {
  readonly host?: string;
  readonly port?: number;
  /** Where a Jaeger query API would be; default 16686 (Jaeger answers OTLP on 4318 but queries on 16686). */
  readonly jaegerQueryPort?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Finds out who holds the OTLP port: free, an OTLP receiver (checked with an empty export, which stores nothing),
 * or something else; and whether a Jaeger query API answers on 16686 of the same host, so the user can be told to
 * read traces from that Jaeger instead of starting the built-in receiver.
 */
export async function probeOtlpPort(options: OtlpPortProbeOptions = {}): Promise<OtlpPortProbe> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 4318;
  const jaegerPort = options.jaegerQueryPort ?? 16686;
  const timeoutMs = options.timeoutMs ?? 2000;
  const where = `${host}:${port}`;
  if (!(await isListening(host, port, timeoutMs, options.signal))) {
    return { inUse: false, otlpReceiver: false, detail: `Nothing listens on ${where}.` };
  }
  const exportAnswer = await request({ host, port, path: OTLP_TRACES_PATH, method: 'POST', body: '{}', timeoutMs, signal: options.signal });
  const otlpReceiver = exportAnswer !== undefined && exportAnswer.status === 200 && looksLikeJson(exportAnswer.body);
  const servicesAnswer = await request({ host, port: jaegerPort, path: '/api/services', method: 'GET', timeoutMs, signal: options.signal });
  const jaegerQueryUrl = servicesAnswer?.status === 200 && isJaegerServices(servicesAnswer.body) ? `http://${host}:${jaegerPort}` : undefined;
  const who = otlpReceiver ? 'an OTLP/HTTP receiver (Jaeger or an OpenTelemetry Collector)' : 'a program that is not an OTLP/HTTP receiver';
  const jaeger = jaegerQueryUrl ? ` A Jaeger query API answers at ${jaegerQueryUrl}: Span Lens can read traces from it.` : '';
  return {
    inUse: true,
    otlpReceiver,
    ...(jaegerQueryUrl ? { jaegerQueryUrl } : {}),
    detail: `${where} is taken by ${who}.${jaeger}`,
  };
}

function isListening(host: string, port: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

function request(o: {
  host: string;
  port: number;
  path: string;
  method: string;
  body?: string;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}): Promise<Answer | undefined> {
  return new Promise((resolve) => {
    const headers: http.OutgoingHttpHeaders = o.body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(o.body) } : {};
    const req = http.request({ host: o.host, port: o.port, path: o.path, method: o.method, headers, timeout: o.timeoutMs, ...(o.signal ? { signal: o.signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= 64 * 1024) chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end(o.body);
  });
}

function looksLikeJson(text: string): boolean {
  try {
    return typeof JSON.parse(text) === 'object';
  } catch {
    return false;
  }
}

function isJaegerServices(text: string): boolean {
  try {
    const json = JSON.parse(text) as { data?: unknown };
    return Array.isArray(json.data) || json.data === null;
  } catch {
    return false;
  }
}
