import * as assert from 'node:assert/strict';
import { SearchCache } from '../../../src/core/search/searchCache';
import type { TraceQuery, TraceSummary } from '../../../src/core/sources/traceSource';

const summary = (id: string): TraceSummary => ({ traceId: id, rootService: 's', rootOperation: 'o', startTimeUs: 0, durationUs: 1, spanCount: 1, errorCount: 0, services: ['s'] });
const query = (over: Partial<TraceQuery> = {}): TraceQuery => ({ service: 's', startUs: 0, endUs: 3_600_000_000, limit: 20, ...over });

describe('search cache', () => {
  it('answers the same query within its time to live, with the age', () => {
    let now = 1000;
    const cache = new SearchCache(30_000, 10, () => now);
    cache.set(query(), [summary('a')]);
    now += 5000;
    // The window slid by 5 s; the lookback is the same, so it is the same query.
    const hit = cache.get(query({ startUs: 5_000_000, endUs: 3_605_000_000 }));
    assert.deepEqual(hit?.summaries.map((s) => s.traceId), ['a']);
    assert.equal(hit?.ageMs, 5000);
    now += 30_000;
    assert.equal(cache.get(query()), undefined);
  });

  it('tells queries apart by every filter, and not by tag order', () => {
    const cache = new SearchCache();
    cache.set(query({ tags: { a: '1', b: '2' } }), [summary('x')]);
    assert.ok(cache.get(query({ tags: { b: '2', a: '1' } })));
    for (const other of [query(), query({ operation: 'o' }), query({ tags: { a: '1' } }), query({ minDurationUs: 1 }), query({ maxDurationUs: 9 }), query({ limit: 21 }), query({ endUs: 60_000_000 })]) {
      assert.equal(cache.get(other), undefined, JSON.stringify(other));
    }
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const cache = new SearchCache(60_000, 2);
    cache.set(query({ service: 'a' }), []);
    cache.set(query({ service: 'b' }), []);
    cache.set(query({ service: 'c' }), []);
    assert.equal(cache.get(query({ service: 'a' })), undefined);
    assert.ok(cache.get(query({ service: 'b' })));
    assert.ok(cache.get(query({ service: 'c' })));
  });
});
