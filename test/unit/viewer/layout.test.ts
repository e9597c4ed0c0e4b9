import * as assert from 'node:assert/strict';
import { barExtent, clampWindow, formatDuration, ticks, tickStep, visibleRowRange } from '../../../src/shared/viewModelLayout';

describe('viewer layout', () => {
  it('formats durations with units and sensible precision', () => {
    assert.equal(formatDuration(0), '0');
    assert.equal(formatDuration(850), '850µs');
    assert.equal(formatDuration(1.5), '1.5µs');
    assert.equal(formatDuration(12_345), '12.3ms');
    assert.equal(formatDuration(1_250_000), '1.25s');
    assert.equal(formatDuration(125_000_000), '2m 5s');
    assert.equal(formatDuration(-2000), '-2ms');
    assert.equal(formatDuration(Number.NaN), '–');
    // With a resolution (ruler step) only the digits the step needs.
    assert.equal(formatDuration(1500, 500), '1.5ms');
    assert.equal(formatDuration(2000, 500), '2ms');
    assert.equal(formatDuration(100, 20), '100µs');
  });

  it('picks 1-2-5 tick steps and places ticks inside the window', () => {
    assert.equal(tickStep(1000, 10), 100);
    assert.equal(tickStep(1000, 4), 500);
    assert.equal(tickStep(7_000_000, 7), 1_000_000);
    const list = ticks({ from: 150, to: 1150 }, 10);
    assert.deepEqual(list.map((t) => t.at), [200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100]);
    assert.ok(list.every((t) => t.x >= 0 && t.x <= 1));
    assert.equal(list[0]!.label, '200µs');
    assert.equal(ticks({ from: 0, to: 0 }, 10).length, 0);
  });

  it('computes the visible row range with overscan, clamped to the rows that exist', () => {
    assert.deepEqual(visibleRowRange(0, 240, 24, 1000, 5), { first: 0, last: 15 });
    assert.deepEqual(visibleRowRange(2400, 240, 24, 1000, 5), { first: 95, last: 115 });
    assert.deepEqual(visibleRowRange(23_900, 240, 24, 1000, 5), { first: 990, last: 1000 });
    assert.deepEqual(visibleRowRange(0, 240, 24, 0, 5), { first: 0, last: 0 });
  });

  it('places bars in a zoomed window and drops the ones outside', () => {
    const w = { from: 100, to: 200 };
    assert.deepEqual(barExtent(120, 30, w), { left: 0.2, width: 0.3 });
    assert.deepEqual(barExtent(50, 100, w), { left: 0, width: 0.5 });
    assert.deepEqual(barExtent(150, 500, w), { left: 0.5, width: 0.5 });
    assert.equal(barExtent(10, 20, w), undefined);
    assert.equal(barExtent(250, 20, w), undefined);
  });

  it('clamps zoom windows to the trace and to at least 1 µs', () => {
    assert.deepEqual(clampWindow({ from: -10, to: 5000 }, 1000), { from: 0, to: 1000 });
    assert.deepEqual(clampWindow({ from: 600, to: 400 }, 1000), { from: 400, to: 600 });
    assert.deepEqual(clampWindow({ from: 500, to: 500 }, 1000), { from: 500, to: 501 });
    assert.deepEqual(clampWindow({ from: 1000, to: 1000 }, 1000), { from: 999, to: 1000 });
  });
});
