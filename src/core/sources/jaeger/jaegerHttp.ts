import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import * as https from 'node:https';
import { SpanLensError, isSpanLensError } from '../../errors';
import { displayUrl } from '../../text/displayUrl';
import { quoteForDisplay } from '../../text/quoteForDisplay';
import { onAbort } from '../../abortWatch';

/**
 * Jaeger JSON runs ~450–800 bytes per span (measured on the fixtures), so 256 MiB admits traces of roughly
 * 300k spans — past the 100k-span traces the viewer is built for — while refusing runaway searches.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
export const DEFAULT_RETRIES = 2;
export const DEFAULT_RETRY_BASE_DELAY_MS = 200;
/**
 * Same-origin redirects followed per request (a reverse proxy adding a slash or a base path needs one or two). A
 * redirect to another origin is never followed: the token and custom headers must not go to another server.
 */
export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The command users run to get a local Jaeger, quoted in "cannot reach" messages. */
export const JAEGER_DOCKER_COMMAND =
  'docker run --rm --name jaeger -p 16686:16686 -p 4317:4317 -p 4318:4318 -p 5778:5778 -p 9411:9411 jaegertracing/jaeger:2.20.0';

export interface JaegerHttpOptions {
  /** The query service's base URL, e.g. `http://localhost:16686` or `https://host/jaeger` (path prefix kept). */
  readonly baseUrl: string;
  /** Limit for one call, retries and backoff included. */
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly bearerToken?: string;
  /** Bodies larger than this are refused (default 256 MiB). */
  readonly maxResponseBytes?: number;
  /** Extra attempts after a connection error (default 2). Never after a timeout or an HTTP answer. */
  readonly retries?: number;
  /** First backoff delay; later ones double, each with ±50% jitter (default 200 ms). */
  readonly retryBaseDelayMs?: number;
  /** Accept self-signed or otherwise unverifiable TLS certificates. */
  readonly allowInsecureTls?: boolean;
  /** Which server messages name, and how to start it (default: Jaeger and its docker command). */
  readonly server?: { readonly name: string; readonly startHint: string };
}

/** One HTTP answer, whatever its status: callers decide what a 404 or an HTML page means for their endpoint. */
export interface JaegerHttpResponse {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  /** The request path without the base URL, e.g. `/api/v3/traces`, for messages. */
  readonly path: string;
}

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

/**
 * GET requests to one Jaeger query service, with the time limit, size cap, retries and error wording Span Lens
 * needs. Statuses are not judged here (validateStatus accepts all); transport failures become SpanLensErrors.
 */
export class JaegerHttpClient {
  /** The URL requests go to, credentials included: never show it, show `displayUrl`. */
  readonly baseUrl: string;
  /** The base URL without credentials or secret parameters, for every message, log line and status text. */
  readonly displayUrl: string;
  private readonly http: AxiosInstance;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly retries: number;
  private readonly retryBaseDelayMs: number;
  private readonly server: string;
  private readonly startHint: string;

  constructor(options: JaegerHttpOptions) {
    this.server = options.server?.name ?? 'Jaeger';
    this.startHint = options.server?.startHint ?? `Start it with \`${JAEGER_DOCKER_COMMAND}\` or set spanlens.jaeger.url (CLI: --source or SPANLENS_SOURCE).`;
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.displayUrl = displayUrl(this.baseUrl);
    this.timeoutMs = options.timeoutMs;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.retries = options.retries ?? DEFAULT_RETRIES;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
    const url = new URL(this.baseUrl);
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (options.bearerToken) headers['Authorization'] = `Bearer ${options.bearerToken}`;
    this.http = axios.create({
      baseURL: this.baseUrl,
      headers,
      validateStatus: () => true,
      // Raw bytes: we measure them, detect HTML and parse JSON ourselves with endpoint-specific messages.
      responseType: 'arraybuffer',
      transformResponse: [(data: unknown) => data],
      maxContentLength: this.maxResponseBytes,
      maxBodyLength: this.maxResponseBytes,
      // Redirects are followed by get() itself, only within the origin (see MAX_REDIRECTS).
      maxRedirects: 0,
      // A proxy from the environment must not capture a Jaeger on this machine.
      ...(isLoopbackHost(url.hostname) ? { proxy: false as const } : {}),
      ...(options.allowInsecureTls && url.protocol === 'https:' ? { httpsAgent: new https.Agent({ rejectUnauthorized: false }) } : {}),
    });
  }

  /** GETs `path` (starting with `/`) relative to the base URL. Rejects only with SpanLensError. */
  async get(path: string, params?: URLSearchParams, signal?: AbortSignal): Promise<JaegerHttpResponse> {
    const query = params?.toString() ?? '';
    const relative = path.replace(/^\/+/, '') + (query ? `?${query}` : '');
    const deadline = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      deadline.abort();
    }, this.timeoutMs);
    // One listener per caller signal however many requests share it (see abortWatch.ts).
    const unwatch = onAbort(signal, () => deadline.abort());
    const stopped = (): SpanLensError | undefined => {
      if (signal?.aborted) return this.cancelled(path);
      if (timedOut) return this.timedOut(path);
      return undefined;
    };
    try {
      for (let attempt = 0; ; attempt++) {
        const early = stopped();
        if (early) throw early;
        try {
          return await this.getFollowingRedirects(relative, path, deadline.signal);
        } catch (e) {
          const halted = stopped();
          if (halted) throw halted;
          if (isSpanLensError(e)) throw e;
          if (attempt < this.retries && isConnectionError(e)) {
            const delay = this.retryBaseDelayMs * 2 ** attempt * (0.5 + Math.random());
            await sleep(delay, deadline.signal);
            continue;
          }
          throw this.describeFailure(e, path);
        }
      }
    } finally {
      clearTimeout(timer);
      unwatch();
    }
  }

  /** One attempt: the request, then same-origin redirects up to MAX_REDIRECTS; anything else is an error. */
  private async getFollowingRedirects(relative: string, path: string, signal: AbortSignal): Promise<JaegerHttpResponse> {
    const base = new URL(this.baseUrl);
    let target = new URL(`${this.baseUrl}/${relative}`);
    const visited: URL[] = [target];
    for (;;) {
      const response: AxiosResponse<unknown> = await this.http.get(target.toString(), { signal });
      const location = response.headers['location'];
      if (!REDIRECT_STATUSES.has(response.status) || typeof location !== 'string' || location.trim() === '') return toResponse(response, path);
      let next: URL;
      try {
        next = new URL(location.trim(), target);
      } catch {
        throw new SpanLensError('redirect', `${this.server} at ${this.displayUrl} redirected GET ${path} to "${quoteForDisplay(location)}", which is not a URL.`, { url: this.baseUrl, status: response.status });
      }
      if (next.origin !== base.origin) throw this.crossOriginRedirect(path, next, response.status);
      // Same origin: the same server, so the credentials of the base URL go along (axios takes them from the URL).
      next.username = base.username;
      next.password = base.password;
      const hops = [...visited, next].map((u) => pathOf(u)).join(' → ');
      if (visited.some((u) => u.toString() === next.toString())) {
        throw new SpanLensError(
          'redirect',
          `${this.server} at ${this.displayUrl} redirects GET ${path} in a loop (${hops}). Check the reverse proxy in front of Jaeger ` +
            'and Jaeger\'s base path (query.base-path), and that spanlens.jaeger.url (CLI: --source) includes that path.',
          { url: this.baseUrl, status: response.status },
        );
      }
      if (visited.length > MAX_REDIRECTS) {
        throw new SpanLensError(
          'redirect',
          `${this.server} at ${this.displayUrl} redirected GET ${path} more than ${MAX_REDIRECTS} times (${hops}). Check the reverse proxy in ` +
            'front of Jaeger, or set spanlens.jaeger.url (CLI: --source) to the address the redirects end at.',
          { url: this.baseUrl, status: response.status },
        );
      }
      visited.push(next);
      target = next;
    }
  }

  private crossOriginRedirect(path: string, next: URL, status: number): SpanLensError {
    const where = displayUrl(next.toString());
    return new SpanLensError(
      'redirect',
      `${this.server} at ${this.displayUrl} redirected GET ${path} to another server, ${where} (HTTP ${status}). Span Lens follows ` +
        'redirects only within the same scheme, host and port, so the token and headers it sends never reach another ' +
        `server. If Jaeger really is at ${displayUrl(next.origin)}, set spanlens.jaeger.url (CLI: --source) to that address.`,
      { url: this.baseUrl, status },
    );
  }

  private cancelled(path: string): SpanLensError {
    return new SpanLensError('cancelled', `The request to ${this.server} at ${this.displayUrl} (${path}) was cancelled.`, { url: this.baseUrl });
  }

  private timedOut(path: string): SpanLensError {
    return new SpanLensError(
      'timeout',
      `${this.server} at ${this.displayUrl} did not answer within ${this.timeoutMs} ms (GET ${path}). ` +
        'Narrow the search (shorter lookback, lower limit) or raise the request timeout (spanlens.requestTimeoutMs, CLI --timeout).',
      { url: this.baseUrl },
    );
  }

  private describeFailure(e: unknown, path: string): SpanLensError {
    const url = this.displayUrl;
    const code = errorCode(e);
    const message = e instanceof Error ? e.message : String(e);
    if (/maxContentLength/.test(message)) {
      return new SpanLensError(
        'too-large',
        `The answer of ${this.server} at ${url} to GET ${path} is larger than the ${formatBytes(this.maxResponseBytes)} limit. ` +
          'Narrow the search (shorter lookback, lower limit, more filters).',
        { url, cause: e },
      );
    }
    if (hasResponse(e)) {
      // The status line arrived but the body did not finish: a dropped connection or a proxy cutting it short.
      return new SpanLensError(
        'malformed-response',
        `${this.server} at ${url} stopped sending its answer to GET ${path} before it was complete (${message}). Try again; ` +
          'if it keeps happening, check the network path and any proxy between Span Lens and Jaeger.',
        { url, cause: e },
      );
    }
    const reason = describeConnectionFailure(code, message);
    if (reason.tls) {
      return new SpanLensError(
        'unreachable',
        `Cannot reach ${this.server} at ${url}: TLS certificate problem (${message}). If you trust this server's certificate, ` +
          'allow insecure TLS for it in the Span Lens settings.',
        { url, cause: e },
      );
    }
    return new SpanLensError(
      'unreachable',
      `Cannot reach ${this.server} at ${url}: ${reason.text}. Is ${this.server} running? ${this.startHint}`,
      { url, cause: e },
    );
  }
}

/** Trims, validates and drops trailing slashes; keeps a path prefix. */
export function normalizeBaseUrl(raw: string): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SpanLensError('bad-input', `"${displayUrl(raw)}" is not a URL. Give the Jaeger query URL, e.g. http://localhost:16686.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SpanLensError('bad-input', `"${displayUrl(raw)}" is not an http(s) URL. Give the Jaeger query URL, e.g. http://localhost:16686.`);
  }
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

function toResponse(response: AxiosResponse<unknown>, path: string): JaegerHttpResponse {
  const data = response.data;
  const text = Buffer.isBuffer(data) ? data.toString('utf8') : typeof data === 'string' ? data : data instanceof ArrayBuffer ? Buffer.from(data).toString('utf8') : '';
  const contentType = response.headers['content-type'];
  return { status: response.status, contentType: typeof contentType === 'string' ? contentType : '', text, path };
}

/** A request URL's path and query, for the hops of a redirect chain. */
function pathOf(url: URL): string {
  return displayUrl(url.toString()).replace(/^[a-z]+:\/\/[^/]+/i, '') || '/';
}

function errorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const causeCode = (e as { cause?: { code?: unknown } }).cause?.code;
  return typeof causeCode === 'string' ? causeCode : undefined;
}

function hasResponse(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { response?: unknown }).response !== undefined;
}

/** Failures before any answer arrived, which a retry may cure. */
function isConnectionError(e: unknown): boolean {
  if (hasResponse(e)) return false;
  const code = errorCode(e);
  if (code !== undefined && CONNECTION_ERROR_CODES.has(code)) return true;
  return e instanceof Error && /socket hang up/i.test(e.message);
}

function describeConnectionFailure(code: string | undefined, message: string): { text: string; tls: boolean } {
  switch (code) {
    case 'ECONNREFUSED':
      return { text: 'connection refused', tls: false };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { text: 'host not found', tls: false };
    case 'ECONNRESET':
    case 'EPIPE':
      return { text: 'the connection was closed before an answer came', tls: false };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { text: 'host unreachable', tls: false };
    case 'ETIMEDOUT':
      return { text: 'the connection attempt timed out', tls: false };
    default:
      break;
  }
  if (code !== undefined && /CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_VERIFY/.test(code)) return { text: message, tls: true };
  return { text: code ? `${message} (${code})` : message, tls: false };
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}
