import type { MetricsQuery, TraceQuery } from '../traceSource';
import { formatGoDuration } from '../duration';

/** RFC 3339 with microseconds, UTC (`2026-08-01T10:00:00.123456Z`): what api/v3 wants for times. */
export function rfc3339FromUs(us: number): string {
  const whole = Math.floor(us);
  const ms = Math.floor(whole / 1000);
  const micros = whole - ms * 1000;
  const iso = new Date(ms).toISOString(); // ends in .mmmZ
  return `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

/**
 * `/api/v3/traces` and `/api/v3/trace-summaries` parameters, snake_case (works on every v2 release). `num_traces` is
 * always sent: before v2.19 a missing one is a 500 on memory storage. Tags go in `query.attributes` only when the
 * server is known to honour it (v2.19+); older servers ignore it silently.
 */
export function v3SearchParams(query: TraceQuery, withAttributes: boolean): URLSearchParams {
  const params = new URLSearchParams();
  params.set('query.service_name', query.service);
  if (query.operation) params.set('query.operation_name', query.operation);
  params.set('query.start_time_min', rfc3339FromUs(query.startUs));
  params.set('query.start_time_max', rfc3339FromUs(query.endUs));
  params.set('query.num_traces', String(query.limit));
  if (query.minDurationUs !== undefined) params.set('query.duration_min', formatGoDuration(query.minDurationUs));
  if (query.maxDurationUs !== undefined) params.set('query.duration_max', formatGoDuration(query.maxDurationUs));
  const tags = Object.entries(query.tags ?? {});
  if (withAttributes && tags.length > 0) params.set('query.attributes', JSON.stringify(Object.fromEntries(tags)));
  return params;
}

/**
 * v1 `/api/traces` parameters: times in µs, durations as Go durations, tags as `tag=key:value` (the server splits at
 * the first ':'), or in the `tags` JSON map for keys that themselves contain ':'.
 */
export function v1SearchParams(query: TraceQuery): URLSearchParams {
  const params = new URLSearchParams();
  params.set('service', query.service);
  if (query.operation) params.set('operation', query.operation);
  params.set('start', String(Math.floor(query.startUs)));
  params.set('end', String(Math.ceil(query.endUs)));
  params.set('limit', String(query.limit));
  if (query.minDurationUs !== undefined) params.set('minDuration', formatGoDuration(query.minDurationUs));
  if (query.maxDurationUs !== undefined) params.set('maxDuration', formatGoDuration(query.maxDurationUs));
  const jsonTags: Record<string, string> = {};
  for (const [key, value] of Object.entries(query.tags ?? {})) {
    if (key.includes(':')) jsonTags[key] = value;
    else params.append('tag', `${key}:${value}`);
  }
  if (Object.keys(jsonTags).length > 0) params.set('tags', JSON.stringify(jsonTags));
  return params;
}

/**
 * SPM parameters (all times in ms). `ratePer` and `step` equal the lookback, so the newest point of each series is the
 * figure for the whole window rather than for the last few seconds.
 */
export function metricsParams(query: MetricsQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const service of query.services) params.append('service', service);
  params.set('groupByOperation', 'true');
  const lookback = Math.max(1, Math.round(query.lookbackMs));
  params.set('endTs', String(Math.round(query.endMs)));
  params.set('lookback', String(lookback));
  params.set('step', String(lookback));
  params.set('ratePer', String(lookback));
  for (const kind of query.spanKinds ?? ['server']) params.append('spanKind', kind);
  return params;
}
