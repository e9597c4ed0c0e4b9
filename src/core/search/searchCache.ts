import type { TraceQuery, TraceSummary } from '../sources/traceSource';

/**
 * Recent search results, so stepping back and forth in the search flow or re-running a search does not query the
 * source again. A query is the same when everything but the sliding time window is the same (same lookback length).
 */
export class SearchCache {
  private readonly entries = new Map<string, { readonly atMs: number; readonly summaries: readonly TraceSummary[] }>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 50,
    private readonly now: () => number = Date.now,
  ) {}

  get(query: TraceQuery): { summaries: readonly TraceSummary[]; ageMs: number } | undefined {
    const key = SearchCache.key(query);
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    const ageMs = this.now() - hit.atMs;
    if (ageMs > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return { summaries: hit.summaries, ageMs };
  }

  set(query: TraceQuery, summaries: readonly TraceSummary[]): void {
    const key = SearchCache.key(query);
    this.entries.delete(key);
    this.entries.set(key, { atMs: this.now(), summaries });
    // Oldest first in a Map's order: drop from the front.
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  clear(): void {
    this.entries.clear();
  }

  static key(q: TraceQuery): string {
    const tags = Object.entries(q.tags ?? {}).sort(([a], [b]) => a.localeCompare(b));
    return JSON.stringify([q.service, q.operation ?? '', tags, q.minDurationUs ?? null, q.maxDurationUs ?? null, q.endUs - q.startUs, q.limit]);
  }
}
