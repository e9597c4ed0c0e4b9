// Aggregate tables the viewer shows: self time by service and by operation, and the per-operation comparison of
// two traces. All O(n) over the span store.
import type { SpanStore } from './viewModel';
import { SpanFlag } from './viewModelPayload';

export interface SelfTimeRow {
  /** Service name. */
  readonly service: string;
  /** Operation name; empty in the by-service table. */
  readonly operation: string;
  readonly serviceIndex: number;
  readonly count: number;
  /** Sum of self time, µs. */
  readonly selfUs: number;
  /** Sum of durations, µs. */
  readonly totalUs: number;
  /** Largest single self time, µs. */
  readonly maxSelfUs: number;
  readonly errors: number;
}

export type SelfTimeGrouping = 'service' | 'operation';

/** Self time grouped by service or by service+operation, largest self time first. Needs analysis in the payload. */
export function selfTimeTable(store: SpanStore, grouping: SelfTimeGrouping): SelfTimeRow[] {
  const self = store.selfUs;
  if (!self) return [];
  const groups = new Map<number, { service: number; name: number; count: number; selfUs: number; totalUs: number; maxSelfUs: number; errors: number }>();
  const nameCount = store.strings.length;
  for (let i = 0; i < store.count; i++) {
    const svc = store.service[i]!;
    const name = grouping === 'operation' ? store.name[i]! : -1;
    const key = grouping === 'operation' ? svc * nameCount + name : svc;
    let g = groups.get(key);
    if (!g) {
      g = { service: svc, name, count: 0, selfUs: 0, totalUs: 0, maxSelfUs: 0, errors: 0 };
      groups.set(key, g);
    }
    g.count++;
    g.selfUs += self[i]!;
    g.totalUs += store.duration[i]!;
    if (self[i]! > g.maxSelfUs) g.maxSelfUs = self[i]!;
    if (store.flags[i]! & SpanFlag.error) g.errors++;
  }
  return [...groups.values()]
    .map((g) => ({
      service: store.serviceNames[g.service] ?? '',
      operation: g.name >= 0 ? (store.strings[g.name] ?? '') : '',
      serviceIndex: g.service,
      count: g.count,
      selfUs: g.selfUs,
      totalUs: g.totalUs,
      maxSelfUs: g.maxSelfUs,
      errors: g.errors,
    }))
    .sort((a, b) => b.selfUs - a.selfUs || a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation));
}

export interface CompareRow {
  readonly service: string;
  readonly operation: string;
  readonly countA: number;
  readonly countB: number;
  /** Sum of durations in each trace, µs. */
  readonly totalA: number;
  readonly totalB: number;
  /** B minus A. */
  readonly countDelta: number;
  readonly totalDelta: number;
  /** 'added' = only in B, 'removed' = only in A. */
  readonly change: 'added' | 'removed' | 'changed' | 'same';
}

function operationTotals(store: SpanStore): Map<string, { service: string; operation: string; count: number; total: number }> {
  // Group by table indices first (cheap per span), then key the few groups by their names.
  const byIndex = new Map<number, { service: number; name: number; count: number; total: number }>();
  const nameCount = store.strings.length;
  for (let i = 0; i < store.count; i++) {
    const key = store.service[i]! * nameCount + store.name[i]!;
    let g = byIndex.get(key);
    if (!g) {
      g = { service: store.service[i]!, name: store.name[i]!, count: 0, total: 0 };
      byIndex.set(key, g);
    }
    g.count++;
    g.total += store.duration[i]!;
  }
  const out = new Map<string, { service: string; operation: string; count: number; total: number }>();
  for (const g of byIndex.values()) {
    const service = store.serviceNames[g.service] ?? '';
    const operation = store.strings[g.name] ?? '';
    // A JSON pair is an unambiguous key whatever characters the names hold.
    out.set(JSON.stringify([service, operation]), { service, operation, count: g.count, total: g.total });
  }
  return out;
}

/** Per service+operation: how counts and summed durations differ from trace A to trace B, biggest change first. */
export function compareTraces(a: SpanStore, b: SpanStore): CompareRow[] {
  const ta = operationTotals(a);
  const tb = operationTotals(b);
  const rows: CompareRow[] = [];
  for (const key of new Set([...ta.keys(), ...tb.keys()])) {
    const x = ta.get(key);
    const y = tb.get(key);
    const countA = x?.count ?? 0;
    const countB = y?.count ?? 0;
    const totalA = x?.total ?? 0;
    const totalB = y?.total ?? 0;
    const change = !x ? 'added' : !y ? 'removed' : countA === countB && totalA === totalB ? 'same' : 'changed';
    rows.push({
      service: (x ?? y)!.service,
      operation: (x ?? y)!.operation,
      countA,
      countB,
      totalA,
      totalB,
      countDelta: countB - countA,
      totalDelta: totalB - totalA,
      change,
    });
  }
  return rows.sort((p, q) => Math.abs(q.totalDelta) - Math.abs(p.totalDelta) || Math.abs(q.countDelta) - Math.abs(p.countDelta) || p.service.localeCompare(q.service) || p.operation.localeCompare(q.operation));
}

/** Sort rows by a column; stable, numbers descending first, text ascending first. */
export function sortRows<T extends object>(rows: readonly T[], column: keyof T, ascending: boolean): T[] {
  const dir = ascending ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index }))
    .sort((p, q) => {
      const a = p.row[column];
      const b = q.row[column];
      const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
      return c * dir || p.index - q.index;
    })
    .map((x) => x.row);
}
