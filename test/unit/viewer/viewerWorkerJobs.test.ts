// The worker's request handling, run in this thread: answers and their transfers, errors as answers with their kind,
// cancellation, and traces held only until released.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ViewerWorkerDispatcher } from '../../../src/core/export/viewerWorkerJobs';
import type { BuiltPayload, LoadedTrace } from '../../../src/core/export/viewerWorkerProtocol';
import { buildTrace } from '../../support/traceBuilder';
import { decode } from './support/viewerHostHarness';
import { SpanFlag } from '../../../src/shared/viewModelPayload';

const trace = buildTrace([
  { id: 'a', service: 'api', name: 'GET /', start: 0, duration: 100 },
  { id: 'b', parent: 'a', service: 'db', name: 'SELECT', start: 10, duration: 20 },
  { id: 'c', parent: 'a', service: 'db', name: 'SELECT', start: 40, duration: 20 },
]);

describe('trace viewer worker requests (in-thread)', () => {
  it('assembles a posted trace from its slices, holds it until released, and moves payload bytes', async () => {
    const d = new ViewerWorkerDispatcher();
    assert.equal(await d.handle({ id: 1, op: 'spans', spans: trace.spans.slice(0, 2) }), undefined);
    await d.handle({ id: 1, op: 'spans', spans: trace.spans.slice(2) });
    const load = await d.handle({ id: 1, op: 'load', handle: 7, request: { kind: 'posted', traceId: trace.traceId, warnings: trace.warnings } });
    assert.ok(load?.response.ok);
    const loaded = load.response.result as LoadedTrace;
    assert.deepStrictEqual([loaded.handle, loaded.spanCount, loaded.operations.map((o) => o.key)], [7, 3, ['["api","GET /"]', '["db","SELECT"]']]);
    assert.equal(d.jobs.size, 1);

    const built = await d.handle({ id: 2, op: 'payload', handle: 7, options: { source: 's', sourceKeys: ['["db","SELECT"]'], analyze: true } });
    assert.ok(built?.response.ok);
    const bytes = (built.response.result as BuiltPayload).bytes;
    assert.deepStrictEqual(built.transfer, [bytes.buffer]);
    const payload = decode(bytes) as { spanCount: number; spans: { flags: number[] } };
    assert.equal(payload.spanCount, 3);
    assert.deepStrictEqual(payload.spans.flags.map((f) => (f & SpanFlag.hasSource) !== 0), [false, true, true]);

    await d.handle({ id: 3, op: 'release', handle: 7 });
    assert.equal(d.jobs.size, 0);
  });

  it('answers failures with the error kind instead of throwing', async () => {
    const d = new ViewerWorkerDispatcher();
    const missing = await d.handle({ id: 1, op: 'payload', handle: 99, options: { source: 's', analyze: true } });
    assert.deepStrictEqual(missing?.response, { id: 1, ok: false, error: { kind: 'not-found', message: 'This trace is no longer loaded in the trace viewer. Open it again.' } });
    await d.handle({ id: 2, op: 'spans', spans: trace.spans });
    await d.handle({ id: 2, op: 'load', handle: 1, request: { kind: 'posted', traceId: trace.traceId, warnings: [] } });
    const early = await d.handle({ id: 3, op: 'analysis', handle: 1 });
    assert.ok(early && !early.response.ok);
    assert.match(early.response.error.message, /analysis asked for before its payload/);
    assert.equal(early.response.error.kind, undefined);
  });

  it('drops the slices and the answer of a cancelled load, and holds nothing for it', async () => {
    const d = new ViewerWorkerDispatcher();
    await d.handle({ id: 5, op: 'spans', spans: trace.spans });
    await d.handle({ id: 5, op: 'cancel' });
    const afterCancel = await d.handle({ id: 5, op: 'load', handle: 1, request: { kind: 'posted', traceId: trace.traceId, warnings: [] } });
    assert.ok(afterCancel?.response.ok);
    assert.equal((afterCancel.response.result as LoadedTrace).spanCount, 0, 'the cancelled slices are gone');
    await d.handle({ id: 6, op: 'release', handle: 1 });

    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const pending = d.handle({ id: 8, op: 'load', handle: 2, request: { kind: 'jaeger', traceId: 'ab', options: { baseUrl: url, timeoutMs: 60_000, retries: 0 } } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await d.handle({ id: 8, op: 'cancel' });
      assert.equal(await pending, undefined);
      assert.equal(d.jobs.size, 0);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
