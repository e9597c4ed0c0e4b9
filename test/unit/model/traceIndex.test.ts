import * as assert from 'node:assert/strict';
import { indexTrace } from '../../../src/core/model/traceIndex';
import { makeSpan } from '../../../src/core/model/spanFields';
import type { Span, Trace } from '../../../src/core/model/trace';
import { SpanStatusCode } from '../../../src/core/model/trace';

function span(id: string, parent: string | undefined, start: number, orphan = false): Span {
  const s = makeSpan({
    traceId: '0'.repeat(32),
    spanId: id.padStart(16, '0'),
    parentSpanId: parent?.padStart(16, '0'),
    service: 's',
    resource: [],
    name: id,
    kind: undefined,
    startTimeUs: start,
    durationUs: 1,
    status: { code: SpanStatusCode.UNSET },
    attributes: [],
    events: [],
    links: [],
  });
  s.orphan = orphan;
  return s;
}

describe('indexTrace', () => {
  it('maps ids, children in start order, roots and depths', () => {
    const trace: Trace = {
      traceId: '0'.repeat(32),
      warnings: [],
      spans: [span('1', undefined, 0), span('2', '1', 1), span('3', '2', 2), span('4', '1', 3), span('5', 'ff', 4, true), span('6', '5', 5)],
    };
    const index = indexTrace(trace);
    assert.equal(index.spanById.get('0000000000000003')!.name, '3');
    assert.deepEqual(
      index.children.get('0000000000000001')!.map((s) => s.name),
      ['2', '4'],
    );
    assert.equal(index.children.has('0000000000000004'), false);
    assert.deepEqual(
      index.roots.map((s) => s.name),
      ['1', '5'],
    );
    assert.deepEqual(
      [...index.depth].map(([id, d]) => `${id.slice(-1)}:${d}`).sort(),
      ['1:0', '2:1', '3:2', '4:1', '5:0', '6:1'],
    );
  });

  it('still reaches every span when a parent loop was not broken by assembleTrace', () => {
    const trace: Trace = { traceId: '0'.repeat(32), warnings: [], spans: [span('1', '3', 0), span('2', '1', 1), span('3', '2', 2), span('4', '4', 3)] };
    const index = indexTrace(trace);
    assert.equal(index.depth.size, 4);
    assert.deepEqual(
      index.roots.map((s) => s.name),
      ['1', '4'],
    );
    assert.equal(index.depth.get('0000000000000003'), 2);
  });

  it('indexes a 100k-deep chain without recursion', () => {
    const spans: Span[] = [];
    for (let i = 1; i <= 100_000; i++) spans.push(span(i.toString(16), i === 1 ? undefined : (i - 1).toString(16), i));
    const index = indexTrace({ traceId: '0'.repeat(32), warnings: [], spans });
    assert.equal(index.roots.length, 1);
    assert.equal(index.depth.get((100_000).toString(16).padStart(16, '0')), 99_999);
  });
});
