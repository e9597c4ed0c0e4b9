import type { TraceSummary } from '../traceSource';
import { normalizeTraceId } from '../../model/ids';

/**
 * Reads `/api/v3/trace-summaries` (v2.19+): `{"summaries":[…]}`, or `{}` when nothing matched. jsonpb leaves out zero
 * counts and empty lists, so a missing field is 0 / empty. Returns undefined when the body has another shape.
 */
export function parseTraceSummaries(json: unknown): TraceSummary[] | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const list = (json as { summaries?: unknown }).summaries;
  if (list === undefined) return [];
  if (!Array.isArray(list)) return undefined;
  const out: TraceSummary[] = [];
  for (const item of list as unknown[]) {
    if (typeof item !== 'object' || item === null) return undefined;
    const s = item as Record<string, unknown>;
    if (typeof s['traceId'] !== 'string') return undefined;
    const startUs = nanosToUs(s['minStartTimeUnixNano']);
    const endUs = nanosToUs(s['maxEndTimeUnixNano']);
    const services = Array.isArray(s['services'])
      ? (s['services'] as unknown[]).map((x) => (x as { name?: unknown } | null)?.name).filter((n): n is string => typeof n === 'string')
      : [];
    out.push({
      traceId: normalizeTraceId(s['traceId']),
      rootService: typeof s['rootServiceName'] === 'string' ? s['rootServiceName'] : '',
      rootOperation: typeof s['rootOperationName'] === 'string' ? s['rootOperationName'] : '',
      startTimeUs: startUs,
      durationUs: Math.max(0, endUs - startUs),
      spanCount: count(s['spanCount']),
      errorCount: count(s['errorSpanCount']),
      services: [...new Set(services)].sort(),
    });
  }
  return out;
}

/**
 * Nanoseconds since the epoch, as jsonpb writes int64 (a decimal string) or a number, to µs. Today's times in ns are
 * beyond 2^53, so the division happens in BigInt and only the sub-µs remainder becomes a fraction.
 */
export function nanosToUs(raw: unknown): number {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw / 1000 : 0;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) return 0;
  const ns = BigInt(raw);
  return Number(ns / 1000n) + Number(ns % 1000n) / 1000;
}

function count(raw: unknown): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : 0;
  return Number.isFinite(n) ? n : 0;
}
