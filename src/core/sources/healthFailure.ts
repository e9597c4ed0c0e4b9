import { isSpanLensError } from '../errors';
import type { SourceHealth } from './traceSource';

/** The `failure` field of an unreachable SourceHealth, from the error a health check met. */
export function healthFailure(error: unknown): Pick<SourceHealth, 'failure'> {
  if (!isSpanLensError(error)) return {};
  return { failure: { kind: error.kind, ...(error.details.status !== undefined ? { status: error.details.status } : {}) } };
}

/** Whether a failure means "a server answered, but not with this API" rather than "nothing answered". */
export function isWrongServer(failure: SourceHealth['failure'] | undefined): boolean {
  if (!failure) return false;
  return failure.kind === 'not-jaeger' || (failure.kind === 'http' && (failure.status === 404 || failure.status === 405));
}
