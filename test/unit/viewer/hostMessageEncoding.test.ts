// The host sends payloads and analyses as UTF-8 JSON bytes; the view decodes them before checking. What it gets must
// be exactly the message an object would have made, and anything broken must still be caught by the validators.
import * as assert from 'node:assert/strict';
import { decodeHostMessage, isHostToViewMessage, type EncodedHostToViewMessage, type HostToViewMessage } from '../../../src/shared/protocol';
import { buildAnalyzedPayload } from '../../../src/core/export/payloadAnalysis';
import { encodeJson } from '../../../src/core/export/viewerWorkerJobs';
import { buildTrace } from '../../support/traceBuilder';
import { vsCodeWebviewPost } from './support/viewerHostHarness';

const payload = buildAnalyzedPayload(
  buildTrace([
    { id: 'a', service: 'api', name: 'GET /<script>', start: 0, duration: 100 },
    { id: 'b', parent: 'a', service: 'db', name: 'SELECT "x" — ünïcode ✓ \u2028', start: 10, duration: 20 },
  ]),
  { source: 'test' },
);
const analysis = payload.analysis!;

describe('encoded host → view messages', () => {
  it('decode to the messages an object payload would have been', () => {
    const cases: Array<[EncodedHostToViewMessage, HostToViewMessage]> = [
      [{ type: 'trace', payload: encodeJson(payload) }, { type: 'trace', payload }],
      [{ type: 'trace', payload: encodeJson(payload), state: { traceId: 't', source: 's', tab: 'findings' } }, { type: 'trace', payload, state: { traceId: 't', source: 's', tab: 'findings' } }],
      [{ type: 'compare', payload: encodeJson(payload) }, { type: 'compare', payload }],
      [{ type: 'analysis', traceId: payload.traceId, analysis: encodeJson(analysis) }, { type: 'analysis', traceId: payload.traceId, analysis }],
    ];
    for (const [encoded, plain] of cases) {
      const decoded = decodeHostMessage(encoded);
      assert.ok(isHostToViewMessage(decoded), encoded.type);
      assert.deepStrictEqual(decoded, JSON.parse(JSON.stringify(plain)));
    }
  });

  it('decodes bytes that are a view into a larger buffer (as structured clone may deliver them)', () => {
    const bytes = encodeJson(payload);
    const larger = new Uint8Array(bytes.length + 10);
    larger.set(bytes, 5);
    const decoded = decodeHostMessage({ type: 'compare', payload: larger.subarray(5, 5 + bytes.length) });
    assert.ok(isHostToViewMessage(decoded));
    assert.deepStrictEqual((decoded as { payload: unknown }).payload, JSON.parse(JSON.stringify(payload)));
  });

  it('leaves other messages as they are', () => {
    for (const m of [{ type: 'trace', payload }, { type: 'loading', message: 'x' }, { type: 'revealSpan', spanId: 'a' }, null, 'trace', [1]]) {
      assert.equal(decodeHostMessage(m), m);
    }
  });

  it('lets the validators reject bytes that are not a payload', () => {
    const bad: unknown[] = [
      { type: 'trace', payload: new TextEncoder().encode('{"not":"a payload"}') },
      { type: 'trace', payload: new TextEncoder().encode('{truncated') },
      { type: 'compare', payload: new Uint8Array(0) },
      { type: 'analysis', traceId: 't', analysis: new TextEncoder().encode('[1,2]') },
    ];
    for (const m of bad) assert.equal(isHostToViewMessage(decodeHostMessage(m)), false, JSON.stringify(m));
  });

  it('costs VS Code no JSON for the payload when sent as bytes (what the extension host serializes)', () => {
    const bytes = encodeJson(payload);
    // As bytes the payload goes as a buffer after a tiny JSON head; as an object it is JSON text the host builds.
    const asBytes = vsCodeWebviewPost({ type: 'trace', payload: bytes });
    assert.ok(asBytes - bytes.byteLength < 200, `${asBytes - bytes.byteLength} bytes of JSON around the buffer`);
    const asObject = vsCodeWebviewPost({ type: 'trace', payload });
    assert.ok(asObject >= bytes.byteLength, 'the object is serialized whole');
  });
});
