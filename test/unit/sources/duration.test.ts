import { strict as assert } from 'node:assert';
import { formatDurationUs, formatGoDuration, parseDurationUs, parseGoDuration } from '../../../src/core/sources/duration';

describe('duration', () => {
  it('parses the durations people write, into µs', () => {
    assert.equal(parseDurationUs('1h'), 3_600_000_000);
    assert.equal(parseDurationUs('15m'), 900_000_000);
    assert.equal(parseDurationUs('100ms'), 100_000);
    assert.equal(parseDurationUs('2.5s'), 2_500_000);
    assert.equal(parseDurationUs('1d'), 86_400_000_000);
    assert.equal(parseDurationUs('1h30m'), 5_400_000_000);
    assert.equal(parseDurationUs('250us'), 250);
    assert.equal(parseDurationUs('250µs'), 250);
    assert.equal(parseDurationUs('250μs'), 250);
    assert.equal(parseDurationUs('1500ns'), 1.5);
    assert.equal(parseDurationUs('.5s'), 500_000);
    assert.equal(parseDurationUs(' 0 '), 0);
  });

  it('rejects what is not a duration, and negatives', () => {
    for (const bad of ['', '1', 'abc', '1x', '-1s', 'h', '1.h2', '1 h', '--1s']) assert.equal(parseDurationUs(bad), undefined, bad);
  });

  it('gives Go time.ParseDuration error texts (the test server quotes them like Jaeger)', () => {
    assert.deepEqual(parseGoDuration('1'), { ok: false, error: 'time: missing unit in duration "1"' });
    assert.deepEqual(parseGoDuration('1d'), { ok: false, error: 'time: unknown unit "d" in duration "1d"' });
    assert.deepEqual(parseGoDuration('abc'), { ok: false, error: 'time: invalid duration "abc"' });
    assert.deepEqual(parseGoDuration('-1.5h'), { ok: true, ns: -5_400_000_000_000 });
    assert.deepEqual(parseGoDuration('1d', true), { ok: true, ns: 86_400_000_000_000 });
  });

  it('formats the shortest exact text, which parses back', () => {
    const cases: Array<[number, string]> = [
      [86_400_000_000 * 2, '2d'],
      [3_600_000_000 * 36, '36h'],
      [900_000_000, '15m'],
      [1_500_000, '1.5s'],
      [100_000, '100ms'],
      [250, '250us'],
      [1.5, '1500ns'],
      [0, '0s'],
      [5_400_000_000, '90m'],
    ];
    for (const [us, text] of cases) {
      assert.equal(formatDurationUs(us), text);
      assert.equal(parseDurationUs(text), us, text);
    }
  });

  it('formats for Go without days', () => {
    assert.equal(formatGoDuration(86_400_000_000), '24h');
    assert.equal(formatGoDuration(2_500_000), '2.5s');
    const go = parseGoDuration(formatGoDuration(123_456_789));
    assert.deepEqual(go, { ok: true, ns: 123_456_789_000 });
  });
});
