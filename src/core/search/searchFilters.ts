import { parseDurationUs, formatDurationUs } from '../sources/duration';

/** The editable filter step of a trace search: `key=value` tags, durations, lookback and limit. */
export interface SearchFilters {
  readonly tags: Readonly<Record<string, string>>;
  readonly minDurationUs?: number;
  readonly maxDurationUs?: number;
  /** Lookback in µs. */
  readonly lookbackUs: number;
  readonly limit: number;
}

export const DEFAULT_LIMIT = 20;

export type FilterParseResult = { readonly ok: true; readonly filters: SearchFilters } | { readonly ok: false; readonly error: string };

/**
 * Parses one line such as `http.status_code=500 error=true min=100ms max=2s lookback=1h limit=20`.
 * Reserved keys (`min`, `max`, `lookback`, `limit`) are filters; every other `key=value` is a tag. Values with spaces
 * go in double quotes: `db.statement="select 1"`.
 */
export function parseSearchFilters(text: string, defaultLookback: string): FilterParseResult {
  const tags: Record<string, string> = {};
  let minDurationUs: number | undefined;
  let maxDurationUs: number | undefined;
  let lookbackUs = parseDurationUs(defaultLookback) ?? 3_600_000_000;
  let limit = DEFAULT_LIMIT;
  const tokenRe = /\s*([^\s=]+)=("((?:[^"\\]|\\.)*)"|\S*)/y;
  let rest = text.trim();
  while (rest.length > 0) {
    tokenRe.lastIndex = 0;
    const m = tokenRe.exec(rest);
    if (!m) return { ok: false, error: `Expected key=value at "${rest.split(/\s/)[0]}"` };
    const key = m[1]!;
    const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2]!;
    rest = rest.slice(m[0].length).trimStart();
    if (value === '') return { ok: false, error: `"${key}=" needs a value` };
    switch (key) {
      case 'min':
      case 'max': {
        const us = parseDurationUs(value);
        if (us === undefined) return { ok: false, error: `${key}: "${value}" is not a duration (e.g. 100ms, 1.5s, 2m)` };
        if (key === 'min') minDurationUs = us;
        else maxDurationUs = us;
        break;
      }
      case 'lookback': {
        const us = parseDurationUs(value);
        if (us === undefined || us <= 0) return { ok: false, error: `lookback: "${value}" is not a duration (e.g. 15m, 1h, 2d)` };
        lookbackUs = us;
        break;
      }
      case 'limit': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 10000) return { ok: false, error: `limit: "${value}" must be a whole number from 1 to 10000` };
        limit = n;
        break;
      }
      default:
        tags[key] = value;
    }
  }
  if (minDurationUs !== undefined && maxDurationUs !== undefined && maxDurationUs < minDurationUs) {
    return { ok: false, error: 'max must be greater than min' };
  }
  return {
    ok: true,
    filters: { tags, lookbackUs, limit, ...(minDurationUs !== undefined ? { minDurationUs } : {}), ...(maxDurationUs !== undefined ? { maxDurationUs } : {}) },
  };
}

/** The inverse of parseSearchFilters, for showing a remembered query in the editable step. */
export function formatSearchFilters(filters: SearchFilters): string {
  const parts = Object.entries(filters.tags).map(([k, v]) => `${k}=${/[\s"]/.test(v) ? `"${v.replace(/(["\\])/g, '\\$1')}"` : v}`);
  if (filters.minDurationUs !== undefined) parts.push(`min=${formatDurationUs(filters.minDurationUs)}`);
  if (filters.maxDurationUs !== undefined) parts.push(`max=${formatDurationUs(filters.maxDurationUs)}`);
  parts.push(`lookback=${formatDurationUs(filters.lookbackUs)}`, `limit=${filters.limit}`);
  return parts.join(' ');
}
