// Opening a 100,000-span trace in the viewer leaves the host's main thread free: the longest stretch it is held
// stays a small fraction of what building the payload on it takes, measured in the same run (ratios only: the
// machine is shared). The in-thread host is the one the panel had before the worker.
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { Trace } from '../../../src/core/model/trace';
import type { OperationSample } from '../../../src/core/export/viewerWorkerProtocol';
import { ViewerWorkerClient } from '../../../src/core/export/viewerWorkerClient';
import { ViewerPipeline } from '../../../src/core/export/viewerWorkerPipeline';
import { generateTrace } from '../../browser/support/generateTrace';
import { buildViewerWorkerBundle, inThreadHost, MainThreadProbe, workerHost } from './support/viewerHostHarness';

describe('trace viewer host: main thread while opening a 100k-span trace', function () {
  this.timeout(300_000);
  let client: ViewerWorkerClient;
  let trace: Trace;

  before(async () => {
    client = new ViewerWorkerClient({ workerPath: await buildViewerWorkerBundle() });
    trace = generateTrace({ spans: 100_000, seed: 7 });
  });
  after(() => client.dispose());

  it('holds the main thread for under a quarter of the in-thread build time, and shows the same thing', async () => {
    const probe = new MainThreadProbe();
    probe.start();
    const before = await inThreadHost(trace, 'generated');
    const beforeLongest = probe.stop();

    probe.start();
    const after = await workerHost(new ViewerPipeline(client), trace, 'generated');
    const afterLongest = probe.stop();

    const figures = `in-thread: payload ${before.payloadMs.toFixed(0)} ms, analysis ${before.analysisMs.toFixed(0)} ms, longest block ${beforeLongest.toFixed(0)} ms; worker: payload ${after.payloadMs.toFixed(0)} ms, analysis ${after.analysisMs.toFixed(0)} ms, longest block ${afterLongest.toFixed(0)} ms`;
    // The old host held the thread for most of its build: the probe sees it.
    assert.ok(beforeLongest > before.payloadMs * 0.4, figures);
    assert.ok(afterLongest < before.analysisMs * 0.25, figures);
    assert.ok(afterLongest < beforeLongest * 0.25, figures);
    assert.deepStrictEqual(after.shown(), before.shown());
  });

  it('resolves thousands of operations with turns of the event loop between batches', async () => {
    const operations = Array.from({ length: 5000 }, (_, i): OperationSample => ({ key: `k${i}`, span: { ...trace.spans[i]!, name: `op ${i}` } }));
    // Counts turns of the event loop: a self-rescheduling immediate runs once per turn.
    let turns = 0;
    let counting = true;
    const tick = (): void => {
      turns++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    let asked = 0;
    let turnsAtFirst = 0;
    let turnsAtLast = 0;
    const started = performance.now();
    const keys: string[] = [];
    const loaded = await client.load({ ...trace, spans: trace.spans.slice(0, 200) });
    try {
      await new ViewerPipeline(client).show({ ...loaded, operations }, 's', {
        hasSource: async (op) => {
          if (asked === 0) turnsAtFirst = turns;
          asked++;
          turnsAtLast = turns;
          await Promise.resolve();
          const known = Number(op.key.slice(1)) % 7 === 0;
          if (known) keys.push(op.key);
          return known;
        },
        payload: () => undefined,
        analysis: () => undefined,
      });
    } finally {
      counting = false;
      client.release(loaded.handle);
    }
    assert.equal(asked, 5000);
    assert.equal(keys.length, Math.ceil(5000 / 7));
    // 5000 operations in batches of 64: the loop turned between them (one unbroken chain of lookups gives 2 or 3 turns).
    const between = turnsAtLast - turnsAtFirst;
    assert.ok(between >= Math.floor(5000 / 64), `${between} event loop turns between the first and the last lookup (${(performance.now() - started).toFixed(0)} ms)`);
  });
});
