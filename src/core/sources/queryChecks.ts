import { SpanLensError } from '../errors';
import type { TraceQuery } from './traceSource';

/** Servers answer a non-positive limit or an empty service with a 500 or 400; say what is wrong instead. */
export function checkQuery(query: TraceQuery): void {
  if (!Number.isInteger(query.limit) || query.limit < 1) throw new SpanLensError('bad-input', `The search limit must be a whole number of at least 1 (got ${query.limit}).`);
  if (query.service.trim() === '') throw new SpanLensError('bad-input', 'Choose a service to search traces of.');
  if (!(query.startUs < query.endUs)) throw new SpanLensError('bad-input', 'The search window is empty: its start must be before its end.');
}

/** The wanted error state when the query filters on `error` (Go's ParseBool spellings), else undefined. */
export function errorFilter(query: TraceQuery): boolean | undefined {
  const value = query.tags?.['error'];
  if (value === undefined) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}
