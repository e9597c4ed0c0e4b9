import { SpanKind } from '../../src/core/model/trace';
import type { JaegerTestStore } from './jaegerTestStore';
import { goParseBoolParam, goParseFloat, goParseInt, type Parsed } from './jaegerTestParams';
import { jsonReply, v1Error, type Reply } from './jaegerTestReplies';
import { readFixture } from './fixtures';

/**
 * SPM `/api/metrics/{latencies,calls,errors}` as Jaeger's query service answers them:
 * - `false` (the all-in-one default): parameters are still validated (400s), then 501 "metrics disabled";
 * - `'fixture'`: the recorded MetricFamily samples from jaeger-ui (OTel demo services, 2021), filtered by service;
 * - `'computed'`: figures computed from the stored traces over [endTs - lookback, endTs], one point at endTs.
 */
export type MetricsMode = false | 'fixture' | 'computed';

export type MetricKind = 'latencies' | 'calls' | 'errors';

const SPAN_KINDS: Readonly<Record<string, SpanKind | 'unspecified'>> = {
  unspecified: 'unspecified',
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

interface MetricsParams {
  readonly services: string[];
  readonly quantile: number;
  readonly groupByOperation: boolean;
  readonly spanKinds: Array<SpanKind | 'unspecified'>;
  readonly endMs: number;
  readonly lookbackMs: number;
}

const parseError = (param: string, error: string): Reply => v1Error(400, `unable to parse param '${param}': ${error}`);

export function metricsReply(kind: MetricKind, params: URLSearchParams, mode: MetricsMode, store: JaegerTestStore, nowMs: number, v212 = false): Reply {
  let quantile = 0;
  if (kind === 'latencies') {
    const parsed = goParseFloat(params.get('quantile') ?? '');
    if (!parsed.ok) return parseError('quantile', parsed.error);
    quantile = parsed.value;
  }
  if (!params.has('service')) return parseError('service', 'please provide at least one service name');
  const services = params.getAll('service');
  const group = params.get('groupByOperation') ? goParseBoolParam(params.get('groupByOperation')!) : ({ ok: true, value: false } as const);
  if (!group.ok) return parseError('groupByOperation', group.error);
  const spanKinds: Array<SpanKind | 'unspecified'> = [];
  for (const k of params.has('spanKind') ? params.getAll('spanKind') : ['server']) {
    const mapped = SPAN_KINDS[k];
    if (mapped === undefined) return parseError('spanKind', `unsupported span kind: '${k}'`);
    spanKinds.push(mapped);
  }
  const ms = (name: string, fallback: number): Parsed<number> => {
    const text = params.get(name);
    return text ? goParseInt(text) : { ok: true, value: fallback };
  };
  const endTs = ms('endTs', nowMs);
  if (!endTs.ok) return parseError('endTs', endTs.error);
  const values: Record<string, number> = {};
  for (const [name, fallback] of [['lookback', 3_600_000], ['step', 5_000], ['ratePer', 600_000]] as const) {
    const parsed = ms(name, fallback);
    if (!parsed.ok) return parseError(name, parsed.error);
    values[name] = parsed.value;
  }
  // Jaeger 2.12 words it differently from later releases.
  if (mode === false) return v1Error(501, v212 ? 'metrics querying is currently disabled' : 'trace metrics are currently disabled - no metrics backend configured');
  const query: MetricsParams = { services, quantile, groupByOperation: group.value, spanKinds, endMs: endTs.value, lookbackMs: values['lookback']! };
  return jsonReply(mode === 'fixture' ? fixtureFamily(kind, query) : computedFamily(kind, query, store));
}

interface MetricFamilyJson {
  name: string;
  type: string;
  help: string;
  metrics?: Array<{ labels: Array<{ name: string; value: string }>; metricPoints: unknown[] }>;
}

function fixtureFamily(kind: MetricKind, q: MetricsParams): MetricFamilyJson {
  const samples = JSON.parse(readFixture('jaeger-ui/spm_metricfamily_samples.json')) as Record<string, MetricFamilyJson>;
  const key = {
    latencies: q.groupByOperation ? 'serviceOpsLatencies' : 'serviceLatencies95',
    calls: q.groupByOperation ? 'serviceOpsCalls' : 'serviceCalls95Response',
    errors: q.groupByOperation ? 'serviceOpsErrors' : 'serviceErrors95Response',
  }[kind];
  const family = samples[key]!;
  const metrics = (family.metrics ?? []).filter((m) => m.labels.some((l) => l.name === 'service_name' && q.services.includes(l.value)));
  return { name: family.name, type: family.type, help: family.help, ...(metrics.length ? { metrics } : {}) };
}

function computedFamily(kind: MetricKind, q: MetricsParams, store: JaegerTestStore): MetricFamilyJson {
  const startUs = (q.endMs - q.lookbackMs) * 1000;
  const endUs = q.endMs * 1000;
  const groups = new Map<string, { service: string; operation: string; durationsMs: number[]; errors: number }>();
  for (const trace of store.traces) {
    for (const s of trace.spans) {
      if (!q.services.includes(s.service) || s.startTimeUs < startUs || s.startTimeUs > endUs) continue;
      if (!q.spanKinds.includes(s.kind ?? 'unspecified')) continue;
      const operation = q.groupByOperation ? s.name : '';
      const key = `${s.service}\u0000${operation}`;
      const g = groups.get(key) ?? { service: s.service, operation, durationsMs: [], errors: 0 };
      g.durationsMs.push(s.durationUs / 1000);
      if (s.error) g.errors++;
      groups.set(key, g);
    }
  }
  const scope = q.groupByOperation ? 'service_operation' : 'service';
  const by = q.groupByOperation ? 'grouped by service & operation' : 'grouped by service';
  const meta = {
    latencies: { name: `${scope}_latencies`, help: `${q.quantile}th quantile latency, ${by}` },
    calls: { name: `${scope}_call_rate`, help: `calls/sec, ${by}` },
    errors: { name: `${scope}_error_rate`, help: `error rate, computed as a fraction of errors/sec over calls/sec, ${by}` },
  }[kind];
  const timestamp = new Date(q.endMs).toISOString();
  const metrics = [...groups.values()]
    .sort((a, b) => a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation))
    .map((g) => {
      const value =
        kind === 'latencies' ? nearestRank(g.durationsMs, q.quantile) : kind === 'calls' ? g.durationsMs.length / (q.lookbackMs / 1000) : g.errors / g.durationsMs.length;
      const labels = q.groupByOperation ? [{ name: 'operation', value: g.operation }, { name: 'service_name', value: g.service }] : [{ name: 'service_name', value: g.service }];
      return { labels, metricPoints: [{ gaugeValue: { doubleValue: value }, timestamp }] };
    });
  return { name: meta.name, type: 'GAUGE', help: meta.help, ...(metrics.length ? { metrics } : {}) };
}

/** The nearest-rank quantile of a non-empty list. */
export function nearestRank(values: readonly number[], quantile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(quantile * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}
