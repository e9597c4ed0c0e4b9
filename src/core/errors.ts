/** What went wrong, in terms a user can act on. */
export type SpanLensErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'cancelled'
  | 'http'
  | 'not-jaeger'
  | 'too-large'
  | 'malformed-response'
  | 'malformed-file'
  | 'not-found'
  | 'write-failed'
  | 'bad-input';

/**
 * The one error type core code throws. `message` is the sentence shown to the user: what happened and what
 * to do about it.
 */
export class SpanLensError extends Error {
  override readonly name = 'SpanLensError';
  constructor(
    readonly kind: SpanLensErrorKind,
    message: string,
    readonly details: { readonly url?: string; readonly status?: number; readonly file?: string; readonly cause?: unknown } = {},
  ) {
    super(message);
  }
}

export function isSpanLensError(e: unknown): e is SpanLensError {
  return e instanceof SpanLensError;
}

/** A message for any thrown value, for logs and last-resort reporting. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
