import * as assert from 'node:assert/strict';
import { isHostToViewMessage, isViewerState, isViewToHostMessage } from '../../../src/shared/protocol';
import { buildAnalyzedPayload } from '../../../src/core/export/payloadAnalysis';
import { buildTrace } from '../../support/traceBuilder';

const payload = buildAnalyzedPayload(
  buildTrace([
    { id: 'a', service: 'api', name: 'GET /', start: 0, duration: 100 },
    { id: 'b', parent: 'a', service: 'db', name: 'SELECT', start: 10, duration: 20 },
  ]),
  { source: 'test' },
);

describe('viewer protocol validators', () => {
  it('accepts every host → view message in its documented shape', () => {
    for (const m of [
      { type: 'trace', payload },
      { type: 'trace', payload, state: { traceId: 't', source: 's', selectedSpanId: 'a', tab: 'flamegraph' } },
      { type: 'compare', payload },
      { type: 'analysis', traceId: payload.traceId, analysis: payload.analysis },
      { type: 'loading', message: 'Fetching trace…' },
      { type: 'error', message: 'Jaeger is not reachable' },
      { type: 'revealSpan', spanId: 'a' },
    ]) {
      assert.ok(isHostToViewMessage(m), JSON.stringify(m).slice(0, 80));
    }
  });

  it('rejects malformed host → view messages', () => {
    for (const m of [
      null,
      'trace',
      [],
      { type: 'trace' },
      { type: 'trace', payload: { ...payload, spanCount: 5 } },
      { type: 'trace', payload, state: { traceId: 1, source: 's' } },
      { type: 'trace', payload, state: { traceId: 't', source: 's', tab: 'nope' } },
      { type: 'compare', payload: {} },
      { type: 'analysis', traceId: payload.traceId },
      { type: 'analysis', traceId: payload.traceId, analysis: { ...payload.analysis, criticalPath: [-1] } },
      { type: 'analysis', analysis: payload.analysis },
      { type: 'loading' },
      { type: 'error', message: 42 },
      { type: 'revealSpan' },
      { type: 'goToSource', spanId: 'a' },
      { type: 'unknown' },
    ]) {
      assert.equal(isHostToViewMessage(m), false, JSON.stringify(m)?.slice(0, 80));
    }
  });

  it('accepts every view → host message and rejects malformed ones', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'goToSource', spanId: '00f067aa0ba902b7' },
      { type: 'openTrace', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' },
      { type: 'openTrace', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' },
      { type: 'requestCompare' },
      { type: 'exportHtml' },
      { type: 'log', level: 'error', message: 'boom' },
    ]) {
      assert.ok(isViewToHostMessage(m), JSON.stringify(m));
    }
    for (const m of [
      undefined,
      { type: 'goToSource' },
      { type: 'goToSource', spanId: 5 },
      { type: 'openTrace' },
      { type: 'openTrace', traceId: 't', spanId: 1 },
      { type: 'log', level: 'debug', message: 'x' },
      { type: 'log', level: 'info' },
      { type: 'trace', payload },
    ]) {
      assert.equal(isViewToHostMessage(m), false, JSON.stringify(m));
    }
  });

  it('checks persisted state', () => {
    assert.ok(isViewerState({ traceId: 't', source: 'jaeger' }));
    assert.ok(isViewerState({ traceId: 't', source: 'jaeger', compareTraceId: 'u', compareSource: 'f.json', selectedSpanId: 'a', tab: 'compare' }));
    assert.equal(isViewerState({ traceId: 't' }), false);
    assert.equal(isViewerState({ traceId: 't', source: 's', selectedSpanId: 3 }), false);
    assert.equal(isViewerState(undefined), false);
  });
});
