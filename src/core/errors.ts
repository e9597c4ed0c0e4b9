import { escapeControlCharsExceptNewlines } from './text/quoteForDisplay';
import { displayUrl, redactUrlsInText } from './text/displayUrl';

/** What went wrong, in terms a user can act on. */
export type SpanLensErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'cancelled'
  | 'http'
  | 'redirect'
  | 'not-jaeger'
  | 'too-large'
  | 'malformed-response'
  | 'malformed-file'
  | 'not-found'
  | 'bad-input';

/**
 * The one error type core code throws. `message` is the sentence shown to the user: what happened and what
 * to do about it. Messages are shown in terminals, notifications and logs, so the constructor is the last line of
 * defence for what they quote: control characters are escaped (quoted input should already have gone through
 * quoteForDisplay) and credentials in URLs removed, in the message and in `details.url`.
 */
export class SpanLensError extends Error {
  override readonly name = 'SpanLensError';
  readonly details: { readonly url?: string; readonly status?: number; readonly file?: string; readonly cause?: unknown };
  constructor(
    readonly kind: SpanLensErrorKind,
    message: string,
    details: { readonly url?: string; readonly status?: number; readonly file?: string; readonly cause?: unknown } = {},
  ) {
    super(escapeControlCharsExceptNewlines(redactUrlsInText(message)));
    this.details = details.url === undefined ? details : { ...details, url: displayUrl(details.url) };
  }
}

export function isSpanLensError(e: unknown): e is SpanLensError {
  return e instanceof SpanLensError;
}

/** A message for any thrown value, for logs and last-resort reporting: no URL credentials, no control characters. */
export function describeError(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return escapeControlCharsExceptNewlines(redactUrlsInText(text));
}
