// Per-(service, operation) latency figures over a time window, with the change against the previous window.
import type { Span } from '../model/trace';
import { DurationAggregator } from './durationAggregator';

/** The span fields the statistics read; full `Span`s fit, and so do light records built for speed. */
export type SpanTiming = Pick<Span, 'service' | 'name' | 'startTimeUs' | 'durationUs' | 'error'>;

export interface OperationStatsWindow {
  /** Spans starting before this (Unix µs) are left out. */
  readonly startUs: number;
  /** Spans starting after this are left out; throughput is per minute of endUs − startUs. */
  readonly endUs: number;
  /** Spans of the window before, to compare with (taken as given, not filtered by time). */
  readonly previous?: Iterable<SpanTiming>;
}

export interface OperationChange {
  readonly previousCount: number;
  readonly countDelta: number;
  readonly previousP95Ms: number | null;
  /** (p95 − previous p95) / previous p95 × 100; null when there is nothing to compare with. */
  readonly p95DeltaPct: number | null;
}

export interface OperationStats {
  readonly service: string;
  readonly operation: string;
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  readonly errorCount: number;
  /** Fraction 0..1. */
  readonly errorRate: number;
  /** Calls per minute over the window. */
  readonly throughputPerMin: number;
  /** False when percentiles came from the sketch (very large inputs). */
  readonly exact: boolean;
  /** Present when `previous` was given. */
  readonly change?: OperationChange;
}

interface Accumulator {
  readonly durations: DurationAggregator;
  errors: number;
}

function accumulate(spans: Iterable<SpanTiming>, startUs: number, endUs: number): Map<string, Map<string, Accumulator>> {
  const byService = new Map<string, Map<string, Accumulator>>();
  for (const s of spans) {
    const t = s.startTimeUs;
    if (t < startUs || t > endUs) continue;
    let byName = byService.get(s.service);
    if (!byName) byService.set(s.service, (byName = new Map()));
    let acc = byName.get(s.name);
    if (!acc) byName.set(s.name, (acc = { durations: new DurationAggregator(), errors: 0 }));
    acc.durations.add(s.durationUs);
    if (s.error) acc.errors++;
  }
  return byService;
}

/** Figures per (service, operation), sorted by service then operation. Durations in, milliseconds out. */
export function computeOperationStats(spans: Iterable<SpanTiming>, window: OperationStatsWindow): OperationStats[] {
  const current = accumulate(spans, window.startUs, window.endUs);
  const previous = window.previous ? accumulate(window.previous, -Infinity, Infinity) : undefined;
  const minutes = (window.endUs - window.startUs) / 60e6;
  const out: OperationStats[] = [];
  for (const service of [...current.keys()].sort()) {
    const byName = current.get(service)!;
    for (const operation of [...byName.keys()].sort()) {
      const acc = byName.get(operation)!;
      const s = acc.durations.summarize();
      let change: OperationChange | undefined;
      if (previous) {
        const prev = previous.get(service)?.get(operation);
        const ps = prev?.durations.summarize();
        const previousCount = ps?.count ?? 0;
        const previousP95Ms = ps && ps.count > 0 ? ps.p95 / 1000 : null;
        change = {
          previousCount,
          countDelta: s.count - previousCount,
          previousP95Ms,
          p95DeltaPct: previousP95Ms !== null && previousP95Ms > 0 ? ((s.p95 / 1000 - previousP95Ms) / previousP95Ms) * 100 : null,
        };
      }
      out.push({
        service,
        operation,
        count: s.count,
        p50Ms: s.p50 / 1000,
        p95Ms: s.p95 / 1000,
        p99Ms: s.p99 / 1000,
        maxMs: s.max / 1000,
        meanMs: s.mean / 1000,
        errorCount: acc.errors,
        errorRate: s.count ? acc.errors / s.count : 0,
        throughputPerMin: minutes > 0 ? s.count / minutes : NaN,
        exact: s.exact,
        ...(change ? { change } : {}),
      });
    }
  }
  return out;
}
