import * as assert from 'node:assert/strict';
import { formatSearchFilters, parseSearchFilters } from '../../../src/core/search/searchFilters';

describe('search filter line', () => {
  it('reads tags, durations, lookback and limit', () => {
    const r = parseSearchFilters('http.status_code=500 error=true min=100ms max=2s lookback=15m limit=50', '1h');
    assert.ok(r.ok);
    assert.deepEqual(r.filters, {
      tags: { 'http.status_code': '500', error: 'true' },
      minDurationUs: 100_000,
      maxDurationUs: 2_000_000,
      lookbackUs: 900_000_000,
      limit: 50,
    });
  });

  it('uses the default lookback and limit when absent', () => {
    const r = parseSearchFilters('', '2h');
    assert.ok(r.ok);
    assert.deepEqual(r.filters, { tags: {}, lookbackUs: 7_200_000_000, limit: 20 });
  });

  it('reads quoted values with spaces and escaped quotes', () => {
    const r = parseSearchFilters('db.statement="select * from \\"t\\"" peer=db', '1h');
    assert.ok(r.ok);
    assert.deepEqual(r.filters.tags, { 'db.statement': 'select * from "t"', peer: 'db' });
  });

  it('says what is wrong', () => {
    const cases: Array<[string, RegExp]> = [
      ['min=fast', /min: "fast" is not a duration/],
      ['min=2s max=1s', /max must be greater than min/],
      ['limit=0', /limit: "0" must be a whole number/],
      ['lookback=-1h', /lookback/],
      ['justaword', /Expected key=value/],
      ['error=', /needs a value/],
    ];
    for (const [text, re] of cases) {
      const r = parseSearchFilters(text, '1h');
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.match(r.error, re, text);
    }
  });

  it('formats what it parses back to the same filters', () => {
    const text = 'db.statement="select 1" error=true min=100ms max=2s lookback=1h limit=20';
    const first = parseSearchFilters(text, '1h');
    assert.ok(first.ok);
    const again = parseSearchFilters(formatSearchFilters(first.filters), '1h');
    assert.ok(again.ok);
    assert.deepEqual(again.filters, first.filters);
  });
});
