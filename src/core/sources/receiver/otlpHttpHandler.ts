import type { IncomingMessage, ServerResponse } from 'node:http';
import * as zlib from 'node:zlib';
import { describeError } from '../../errors';
import type { TraceStore } from './traceStore';
import { type OtlpBodyFormat, decodeExportRequest, MalformedExportError } from './exportRequest';
import { encodeExportTraceResponse, encodeRpcStatus } from './otlpProtobuf';
import { type LocalRequestGuard, createLocalRequestGuard } from './localRequestGuard';
import { capLossMessage } from './storeReport';

export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
export const OTLP_TRACES_PATH = '/v1/traces';

/** google.rpc.Code values used in error bodies. */
const RPC_INVALID_ARGUMENT = 3;
const RPC_NOT_FOUND = 5;
const RPC_PERMISSION_DENIED = 7;
const RPC_RESOURCE_EXHAUSTED = 8;
const RPC_UNIMPLEMENTED = 12;
const RPC_INTERNAL = 13;

/** One handled export, for logs and tests. */
export interface ExportOutcome {
  readonly status: number;
  readonly acceptedSpans: number;
  /** Invalid spans, and valid ones the store could not keep (their trace alone exceeds the cap). */
  readonly rejectedSpans: number;
  readonly storedSpans: number;
  /** Spans of older traces evicted to make room for this request's. */
  readonly evictedSpans: number;
  /** Why the request failed, spans were rejected, values replaced or older spans evicted; empty when all went in. */
  readonly message: string;
}

export interface OtlpHttpHandlerOptions {
  /** Largest body accepted, before and after decompression. */
  readonly maxBodyBytes?: number;
  readonly onExport?: (outcome: ExportOutcome) => void;
  /** Who may send (see localRequestGuard.ts). Default: requests addressed to loopback from programs or loopback pages. */
  readonly guard?: LocalRequestGuard;
  /** How users raise the store's caps, quoted when evictions are reported. Default: the VS Code settings. */
  readonly capHint?: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A body larger than this beyond the cap is not drained for a polite answer; the connection is cut instead. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * The OTLP/HTTP trace endpoint (spec: opentelemetry.io/docs/specs/otlp/#otlphttp): POST /v1/traces with a
 * protobuf or JSON ExportTraceServiceRequest, optionally gzip/deflate encoded. Answers in the request's encoding:
 * 200 with ExportTraceServiceResponse (partial success for invalid spans), or an error with a google.rpc.Status
 * (400 malformed, 403 foreign Host or Origin, 404 path, 405 method, 413 too large, 415 content type/encoding).
 * Pages served from this machine get CORS answers (preflight included), so browser exporters work. Never throws.
 */
export function createOtlpHttpHandler(store: TraceStore, options: OtlpHttpHandlerOptions = {}): Handler {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const guard = options.guard ?? createLocalRequestGuard('127.0.0.1', 'the Span Lens receiver');
  const capHint = options.capHint ?? 'the settings spanlens.receiver.maxSpans and spanlens.receiver.maxMemoryMiB';
  const report = (outcome: ExportOutcome): void => {
    try {
      options.onExport?.(outcome);
    } catch {
      // Reporting must not break the answer.
    }
  };
  return (req, res) => {
    handle(req, res, store, { maxBodyBytes, guard, capHint }, report).catch((e: unknown) => {
      // Only reached on a bug; the sender still gets an answer and the server keeps serving.
      if (!res.headersSent) sendStatus(res, 'json', 500, RPC_INTERNAL, `internal error: ${describeError(e)}`);
      else res.destroy();
    });
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  store: TraceStore,
  settings: { readonly maxBodyBytes: number; readonly guard: LocalRequestGuard; readonly capHint: string },
  report: (o: ExportOutcome) => void,
): Promise<void> {
  const { maxBodyBytes, guard } = settings;
  const path = (req.url ?? '/').split('?')[0]!;
  const format = bodyFormat(req.headers['content-type']);
  const answerFormat: OtlpBodyFormat = format ?? 'json';
  const fail = (status: number, rpcCode: number, message: string): void => {
    discardBody(req, res);
    sendStatus(res, answerFormat, status, rpcCode, message);
    report({ status, acceptedSpans: 0, rejectedSpans: 0, storedSpans: 0, evictedSpans: 0, message });
  };
  const verdict = guard(req.headers);
  if (!verdict.allowed) return fail(403, RPC_PERMISSION_DENIED, verdict.message);
  if (verdict.corsOrigin !== undefined) {
    res.setHeader('Access-Control-Allow-Origin', verdict.corsOrigin);
    res.setHeader('Vary', 'Origin');
  }
  if (path !== OTLP_TRACES_PATH && path !== `${OTLP_TRACES_PATH}/`) {
    const hint = path === '/v1/metrics' || path === '/v1/logs' ? ' (this receiver accepts traces only)' : '';
    return fail(404, RPC_NOT_FOUND, `${path} not found${hint}: send traces to POST ${OTLP_TRACES_PATH}`);
  }
  if (req.method === 'OPTIONS' && verdict.corsOrigin !== undefined) return answerPreflight(req, res);
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return fail(405, RPC_UNIMPLEMENTED, `${req.method ?? ''} is not allowed: send traces with POST ${OTLP_TRACES_PATH}`);
  }
  if (!format) {
    return fail(415, RPC_UNIMPLEMENTED, `unsupported content type ${JSON.stringify(req.headers['content-type'] ?? '')}: use application/x-protobuf or application/json`);
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (!['identity', '', 'gzip', 'x-gzip', 'deflate'].includes(encoding)) {
    return fail(415, RPC_UNIMPLEMENTED, `unsupported content encoding ${JSON.stringify(encoding)}: use gzip, deflate or none`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) {
    return fail(413, RPC_RESOURCE_EXHAUSTED, `the body of ${declared} bytes exceeds the limit of ${maxBodyBytes} bytes`);
  }
  const raw = await readBody(req, maxBodyBytes);
  if (raw === 'too-large') {
    return fail(413, RPC_RESOURCE_EXHAUSTED, `the body exceeds the limit of ${maxBodyBytes} bytes`);
  }
  if (raw === 'aborted') return;
  let body: Buffer;
  try {
    body = await decompress(raw, encoding, maxBodyBytes);
  } catch (e) {
    if (isTooLarge(e)) return fail(413, RPC_RESOURCE_EXHAUSTED, `the decompressed body exceeds the limit of ${maxBodyBytes} bytes`);
    return fail(400, RPC_INVALID_ARGUMENT, `the body is not valid ${encoding} data: ${describeError(e)}`);
  }
  let decoded;
  try {
    decoded = decodeExportRequest(body, format, 'OTLP/HTTP export');
  } catch (e) {
    if (e instanceof MalformedExportError) return fail(400, RPC_INVALID_ARGUMENT, e.message);
    throw e;
  }
  const added = store.add(decoded.traces);
  store.noteRejected(decoded.rejectedSpans);
  store.noteDroppedValues(decoded.droppedValues);
  // Spans the store could not keep are as lost to the sender as invalid ones: counted as rejected (OTLP's only
  // count); evictions of older traces are a warning in the message (rejected_spans 0 with a message is how OTLP
  // says "accepted, but look").
  const rejectedSpans = decoded.rejectedSpans + added.dropped;
  const message = [decoded.errorMessage, capLossMessage(added, store.stats(), settings.capHint)].filter(Boolean).join('; ');
  const payload =
    format === 'protobuf'
      ? Buffer.from(encodeExportTraceResponse(rejectedSpans, message))
      : Buffer.from(JSON.stringify(jsonExportResponse(rejectedSpans, message)));
  send(res, 200, format, payload);
  report({
    status: 200,
    acceptedSpans: decoded.acceptedSpans - added.dropped,
    rejectedSpans,
    storedSpans: added.stored,
    evictedSpans: added.evicted,
    message,
  });
}

/** A CORS preflight from an allowed page (a browser exporter sends JSON or protobuf, which needs one). */
function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  discardBody(req, res);
  const requested = req.headers['access-control-request-headers'];
  res.statusCode = 204;
  res.setHeader('Access-Control-Allow-Methods', 'POST');
  // Header names only (token characters and commas): the value is echoed back.
  if (requested && /^[A-Za-z0-9!#$%&'*+.^_`|~,\s-]+$/.test(requested)) res.setHeader('Access-Control-Allow-Headers', requested);
  res.setHeader('Access-Control-Max-Age', '600');
  res.end();
}

function jsonExportResponse(rejectedSpans: number, errorMessage: string): object {
  // OTLP/JSON writes int64 as a string; an empty partialSuccess means full success.
  return rejectedSpans > 0 || errorMessage ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } } : {};
}

function bodyFormat(contentType: string | undefined): OtlpBodyFormat | undefined {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === 'application/x-protobuf' || media === 'application/protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return undefined;
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (v: Buffer | 'too-large' | 'aborted'): void => {
      if (settled) return;
      settled = true;
      resolve(v);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        settle('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(Buffer.concat(chunks, size)));
    req.on('aborted', () => settle('aborted'));
    req.on('error', () => settle('aborted'));
    req.on('close', () => settle(req.complete ? Buffer.concat(chunks, size) : 'aborted'));
  });
}

/** After an early answer, reads and drops the rest of the body so the sender can read the answer; cuts off floods. */
function discardBody(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  res.setHeader('Connection', 'close');
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > MAX_DRAIN_BYTES) req.destroy();
  });
  req.resume();
}

function decompress(raw: Buffer, encoding: string, maxBytes: number): Promise<Buffer> {
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlibCall(zlib.gunzip, raw, maxBytes);
  if (encoding === 'deflate') {
    // HTTP "deflate" is zlib-wrapped, but some senders send a raw deflate stream: try both.
    return zlibCall(zlib.inflate, raw, maxBytes).catch((e: unknown) => {
      if (isTooLarge(e)) throw e;
      return zlibCall(zlib.inflateRaw, raw, maxBytes);
    });
  }
  return Promise.resolve(raw);
}

type ZlibFn = (buf: Buffer, options: zlib.ZlibOptions, callback: (error: Error | null, result: Buffer) => void) => void;

function zlibCall(fn: ZlibFn, raw: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    fn(raw, { maxOutputLength: maxBytes }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function isTooLarge(e: unknown): boolean {
  return e instanceof RangeError || (e as { code?: string } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

function sendStatus(res: ServerResponse, format: OtlpBodyFormat, status: number, code: number, message: string): void {
  const payload = format === 'protobuf' ? Buffer.from(encodeRpcStatus(code, message)) : Buffer.from(JSON.stringify({ code, message }));
  send(res, status, format, payload);
}

function send(res: ServerResponse, status: number, format: OtlpBodyFormat, payload: Buffer): void {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader('Content-Type', format === 'protobuf' ? 'application/x-protobuf' : 'application/json');
  res.setHeader('Content-Length', payload.length);
  res.end(payload);
}
