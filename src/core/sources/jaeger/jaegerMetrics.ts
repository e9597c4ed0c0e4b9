import type { OperationMetrics } from '../traceSource';

/** The newest usable value of one series of a SPM MetricFamily. */
export interface MetricSeriesValue {
  readonly service: string;
  /** Empty when the query was not grouped by operation. */
  readonly operation: string;
  /** Undefined when every point was NaN or null. */
  readonly value: number | undefined;
}

/**
 * Reads a bare MetricFamily as `/api/metrics/*` returns it (jsonpb, no envelope). Values may be numbers, the strings
 * "NaN"/"Infinity" or numeric strings, or null; only finite numbers count. Returns undefined when the body is not a
 * MetricFamily at all.
 */
export function parseMetricFamily(json: unknown): MetricSeriesValue[] | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const metrics = (json as { metrics?: unknown }).metrics;
  if (metrics === undefined) return []; // jsonpb leaves an empty repeated field out
  if (!Array.isArray(metrics)) return undefined;
  const out: MetricSeriesValue[] = [];
  for (const metric of metrics as unknown[]) {
    if (typeof metric !== 'object' || metric === null) continue;
    const labels = labelMap((metric as { labels?: unknown }).labels);
    out.push({
      service: labels.get('service_name') ?? '',
      operation: labels.get('operation') ?? '',
      value: newestValue((metric as { metricPoints?: unknown }).metricPoints),
    });
  }
  return out;
}

function labelMap(labels: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (!Array.isArray(labels)) return map;
  for (const label of labels as unknown[]) {
    const { name, value } = (label ?? {}) as { name?: unknown; value?: unknown };
    if (typeof name === 'string' && typeof value === 'string') map.set(name, value);
  }
  return map;
}

function newestValue(points: unknown): number | undefined {
  if (!Array.isArray(points)) return undefined;
  let best: { value: number; time: number; index: number } | undefined;
  (points as unknown[]).forEach((point, index) => {
    if (typeof point !== 'object' || point === null) return;
    const gauge = (point as { gaugeValue?: { doubleValue?: unknown; intValue?: unknown } }).gaugeValue;
    const value = toFiniteNumber(gauge?.doubleValue ?? gauge?.intValue);
    if (value === undefined) return;
    const stamp = (point as { timestamp?: unknown }).timestamp;
    const time = typeof stamp === 'string' ? Date.parse(stamp) : NaN;
    const t = Number.isNaN(time) ? -Infinity : time;
    // Newest timestamp wins; among equal (or missing) timestamps the later point.
    if (!best || t > best.time || (t === best.time && index > best.index)) best = { value, time: t, index };
  });
  return best?.value;
}

function toFiniteNumber(raw: unknown): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

export interface OperationMetricFamilies {
  readonly p50?: readonly MetricSeriesValue[];
  readonly p95?: readonly MetricSeriesValue[];
  readonly p99?: readonly MetricSeriesValue[];
  readonly calls?: readonly MetricSeriesValue[];
  readonly errors?: readonly MetricSeriesValue[];
}

/** Joins the five families into one row per (service, operation), sorted; figures no family had stay undefined. */
export function mergeOperationMetrics(families: OperationMetricFamilies): OperationMetrics[] {
  type Row = { service: string; operation: string; p50Ms?: number; p95Ms?: number; p99Ms?: number; callRate?: number; errorRate?: number };
  const rows = new Map<string, Row>();
  const put = (series: readonly MetricSeriesValue[] | undefined, field: 'p50Ms' | 'p95Ms' | 'p99Ms' | 'callRate' | 'errorRate'): void => {
    for (const s of series ?? []) {
      const key = `${s.service}\u0000${s.operation}`;
      let row = rows.get(key);
      if (!row) {
        row = { service: s.service, operation: s.operation };
        rows.set(key, row);
      }
      if (s.value !== undefined) row[field] = s.value;
    }
  };
  put(families.p50, 'p50Ms');
  put(families.p95, 'p95Ms');
  put(families.p99, 'p99Ms');
  put(families.calls, 'callRate');
  put(families.errors, 'errorRate');
  return [...rows.values()].sort((a, b) => a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation));
}
