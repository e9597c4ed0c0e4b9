import { SpanLensError } from '../../errors';
import type { JaegerHttpResponse } from './jaegerHttp';
import { quoteForDisplay } from '../../text/quoteForDisplay';

/** True when the body is JSON at a glance (Jaeger answers JSON even for errors, with a text/plain content type). */
export function looksLikeJson(text: string): boolean {
  const first = /\S/.exec(text)?.[0];
  return first === '{' || first === '[';
}

function looksLikeHtml(response: JaegerHttpResponse): boolean {
  return /text\/html/i.test(response.contentType) || /^\s*</.test(response.text);
}

/**
 * Whether the answer says "no such endpoint" rather than answering it: before v2.16 Jaeger serves its UI's
 * index.html (200) for unknown paths, from v2.16 Go's `404 page not found` text. Either way, not JSON.
 */
export function isEndpointAbsent(response: JaegerHttpResponse): boolean {
  return (response.status === 200 || response.status === 404) && !looksLikeJson(response.text);
}

/** The error for a URL that answers like a web page, not like Jaeger's JSON API. */
export function notJaegerError(baseUrl: string, response: JaegerHttpResponse): SpanLensError {
  const what = looksLikeHtml(response) ? 'HTML' : `plain text ("${snippet(response.text)}", HTTP ${response.status})`;
  return new SpanLensError(
    'not-jaeger',
    `${baseUrl} answered with ${what}, not Jaeger's JSON API — is this the Jaeger query URL (port 16686)?`,
    { url: baseUrl, status: response.status },
  );
}

/** Parses a JSON body; HTML or plain text becomes 'not-jaeger', broken JSON 'malformed-response' naming the endpoint. */
export function parseJsonBody(baseUrl: string, response: JaegerHttpResponse): unknown {
  if (!looksLikeJson(response.text)) throw notJaegerError(baseUrl, response);
  try {
    return JSON.parse(response.text) as unknown;
  } catch (e) {
    throw new SpanLensError(
      'malformed-response',
      `Jaeger at ${baseUrl} sent invalid JSON for GET ${response.path} (${quoteForDisplay(e instanceof Error ? e.message : String(e))}; ` +
        `${response.text.length} characters received). Try again; if it persists, the response may be cut short by a proxy.`,
      { url: baseUrl, status: response.status, cause: e },
    );
  }
}

/** Jaeger's own words from an error body: v1 `errors[0].msg`, api/v3 `error.message`, else the text itself. */
export function jaegerErrorMessage(text: string): string {
  if (looksLikeJson(text)) {
    try {
      const body = JSON.parse(text) as { errors?: unknown; error?: unknown };
      if (Array.isArray(body.errors)) {
        const first = body.errors[0] as { msg?: unknown } | undefined;
        if (typeof first?.msg === 'string') return quoteForDisplay(first.msg);
      }
      const message = (body.error as { message?: unknown } | undefined)?.message;
      if (typeof message === 'string') return quoteForDisplay(message);
    } catch {
      // Not JSON after all: the raw text below is the best we have.
    }
  }
  return snippet(text);
}

/** A SpanLensError('http') for a status Jaeger answered with, quoting Jaeger's message. */
export function httpError(baseUrl: string, response: JaegerHttpResponse): SpanLensError {
  const hint =
    response.status === 401 || response.status === 403
      ? ' Check the credentials (Jaeger token or headers) Span Lens sends.'
      : response.status >= 500
        ? ' This is a problem inside Jaeger or its storage; check its logs.'
        : '';
  return new SpanLensError(
    'http',
    `Jaeger at ${baseUrl} answered HTTP ${response.status} to GET ${response.path}: ${jaegerErrorMessage(response.text) || '(no message)'}.${hint}`,
    { url: baseUrl, status: response.status },
  );
}

/** The error for a JSON body whose shape is not what the endpoint returns. */
export function unexpectedShape(baseUrl: string, path: string, what: string): SpanLensError {
  return new SpanLensError('malformed-response', `Jaeger at ${baseUrl} sent an unexpected answer to GET ${path}: ${what}.`, { url: baseUrl });
}

/** A server's own words, on one line, control characters escaped, at most 200 characters. */
function snippet(text: string): string {
  // Whitespace runs (newlines included) become one space; other controls are escaped by quoteForDisplay.
  const oneLine = text.replace(/[ \t\r\n]+/g, ' ').trim();
  return quoteForDisplay(oneLine, 200);
}
