import * as assert from 'node:assert/strict';
import { formatAge, formatCount, formatDurationMs, formatPercent } from '../../../src/core/stats/format';

describe('figure formatting', () => {
  it('formats durations with units that fit the size', () => {
    assert.equal(formatDurationMs(0.421), '0.42 ms');
    assert.equal(formatDurationMs(4.26), '4.3 ms');
    assert.equal(formatDurationMs(48.4), '48 ms');
    assert.equal(formatDurationMs(1250), '1.25 s');
    assert.equal(formatDurationMs(150_000), '2.5 min');
    assert.equal(formatDurationMs(Number.NaN), '—');
  });

  it('formats counts compactly', () => {
    assert.equal(formatCount(950), '950');
    assert.equal(formatCount(1234), '1.2k');
    assert.equal(formatCount(34_567), '35k');
    assert.equal(formatCount(1_500_000), '1.5M');
  });

  it('formats error rates', () => {
    assert.equal(formatPercent(0), '0%');
    assert.equal(formatPercent(0.004), '0.4%');
    assert.equal(formatPercent(0.0004), '<0.1%');
    assert.equal(formatPercent(0.123), '12%');
  });

  it('formats ages', () => {
    assert.equal(formatAge(10), 'just now');
    assert.equal(formatAge(5_000), '5 s ago');
    assert.equal(formatAge(180_000), '3 min ago');
    assert.equal(formatAge(7_200_000), '2 h ago');
    assert.equal(formatAge(4 * 86_400_000), '4 d ago');
  });
});
